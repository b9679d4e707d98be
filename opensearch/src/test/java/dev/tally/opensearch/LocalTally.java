package dev.tally.opensearch;

import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.AggregatorService;
import dev.tally.aggregator.ItemBadEvents;
import dev.tally.aggregator.LogPoller;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.core.event.Event;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.opensearch.archive.LocalArchive;
import dev.tally.opensearch.archive.LocalArchiver;
import dev.tally.opensearch.verify.EngineFigures;
import dev.tally.query.MetricsReader;
import dev.tally.sqlite.SqliteDatabase;
import dev.tally.sqlite.SqliteEventLog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The embedded engine as {@code tally up} runs it, without HTTP: events are appended to the durable
 * log, the real aggregator counts them into the SQLite items, and the real archiver writes the
 * archive under {@code dir/archive}.
 */
public final class LocalTally implements AutoCloseable {
  public static final int SHARDS = 4;
  private final Path dir;
  private final SqliteEventLog log;
  private final SqliteDatabase db;
  private final ItemStoreRegistry stores;
  private final LogPoller poller;
  private final LocalArchiver archiver;
  private long appended;

  public LocalTally(Path dir) {
    this.dir = dir;
    this.log = SqliteEventLog.open(dir.resolve("log.db"));
    this.db = SqliteDatabase.open(dir.resolve("tally.db"));
    this.stores = new ItemStoreRegistry(db.table("stores"));
    AggregatorService aggregator =
        new AggregatorService(
            stores,
            new ItemMetricWriter(
                db.table("metrics"),
                AggregatorConfig.defaults().withShards(SHARDS).withMaxItemsPerTransaction(5_000)),
            new ItemBadEvents(db.table("metrics"), Clock.systemUTC()));
    this.poller = new LogPoller(log, aggregator, 64);
    poller.start();
    this.archiver =
        LocalArchiver.open(log::readFrom, LocalArchiver.Config.defaults(dir.resolve("archive")));
  }

  public Store addStore(String id, String timezone, String currency) {
    Store s = Store.of(id, timezone, currency, List.of("*"));
    stores.create(s, "w-" + id, "r-" + id);
    return s;
  }

  /** Appends in batches of 500, as ingest does with many requests. */
  public void send(String storeId, List<Event> events) {
    for (int i = 0; i < events.size(); i += 500) {
      log.append(storeId, events.subList(i, Math.min(events.size(), i + 500)));
    }
    appended += events.size();
  }

  /** Waits until the aggregator has counted everything, then archives everything. */
  public void settle() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!poller.drained()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the aggregator did not drain the log");
      }
      Thread.sleep(20);
    }
    archiver.archiveAvailable();
  }

  public Store store(String id) {
    return stores.find(id).orElseThrow();
  }

  public LocalArchive archive() {
    return new LocalArchive(dir.resolve("archive"));
  }

  public Path archiveDir() {
    return dir.resolve("archive");
  }

  public EngineFigures figures() {
    return new EngineFigures(
        stores, new MetricsReader(db.table("metrics")), SHARDS, "embedded engine in " + dir);
  }

  public long appended() {
    return appended;
  }

  @Override
  public void close() {
    poller.close();
    archiver.close();
    log.close();
    db.close();
  }
}
