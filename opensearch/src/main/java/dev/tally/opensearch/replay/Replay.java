package dev.tally.opensearch.replay;

import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.core.retry.Backoff;
import dev.tally.core.store.Store;
import dev.tally.opensearch.archive.ArchiveFile;
import dev.tally.opensearch.archive.ArchiveReader;
import dev.tally.opensearch.archive.ArchiveSource;
import dev.tally.opensearch.index.EventDocument;
import dev.tally.opensearch.index.OpenSearch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code tally replay opensearch}: reads an archive, keeps the events of the store and range, and
 * bulk-indexes them. Idempotent: a document's index and id depend only on the event, so replaying
 * twice, or overlapping ranges, never makes a second copy. Resumable: finished files are recorded
 * in {@link ReplayState} and skipped by the next run with the same arguments.
 */
public final class Replay {
  /** Told about progress; the CLI draws a bar over bytes. */
  public interface Listener {
    /** Before reading: the compressed bytes in scope, and those already done by an earlier run. */
    default void started(long totalBytes, long alreadyDoneBytes, int files, int filesDone) {}

    /** Compressed bytes just read. */
    default void read(long bytes) {}

    /** A bulk request finished; for tests that stop a replay midway. */
    default void flushed(long indexedSoFar) {}
  }

  private final ArchiveSource archive;
  private final OpenSearch os;
  private final Function<String, Store> stores;
  private final ReplayConfig config;
  private final Listener listener;

  /**
   * @param stores the store of an id (its time zone decides an event's day and index, its currency
   *     the default currency of an order)
   */
  public Replay(
      ArchiveSource archive,
      OpenSearch os,
      Function<String, Store> stores,
      ReplayConfig config,
      Listener listener) {
    this.archive = archive;
    this.os = os;
    this.stores = stores;
    this.config = config;
    this.listener = listener;
  }

  private dev.tally.core.regulation.SuppressionList suppressions =
      dev.tally.core.regulation.SuppressionList.NONE;

  /** Leaves out the events of people on this suppression list (deleted or suppressed people). */
  public Replay suppressing(dev.tally.core.regulation.SuppressionList list) {
    this.suppressions = list;
    return this;
  }

  /** A key naming the replay's arguments: progress saved under another key is not reused. */
  public static String stateKey(String archive, String url, ReplayConfig c) {
    return String.join(
        "|",
        archive,
        url,
        c.names().prefix(),
        c.filter().store().orElse("*"),
        c.filter().from().map(Object::toString).orElse("-"),
        c.filter().to().map(Object::toString).orElse("-"));
  }

  /** The progress file of a replay: one per set of arguments, so replays never share one. */
  public static java.nio.file.Path stateFile(ReplayConfig config, String key) {
    try {
      byte[] h =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return config
          .stateDir()
          .resolve("replay-" + java.util.HexFormat.of().formatHex(h, 0, 8) + ".json");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public ReplaySummary run(String url) {
    long started = System.nanoTime();
    os.putTemplate(config.names(), config.replicas());
    String key = stateKey(archive.describe(), url, config);
    ReplayState state = ReplayState.load(stateFile(config, key), key, config.restart());
    List<ArchiveFile> files = archive.list(config.filter());
    long total = 0;
    long doneBytes = 0;
    int skipped = 0;
    List<ArchiveFile> todo = new ArrayList<>();
    for (ArchiveFile f : files) {
      total += f.size();
      if (state.isDone(f)) {
        doneBytes += f.size();
        skipped++;
      } else {
        todo.add(f);
      }
    }
    listener.started(total, doneBytes, files.size(), skipped);

    BulkIndexer.Stats stats = new BulkIndexer.Stats();
    long[] counts = new long[3]; // bytes read, events read, events wanted
    Map<String, Set<String>> aliased = new HashMap<>();
    Map<String, Store> storeCache = new HashMap<>();
    Runnable afterRequest =
        () -> {
          state.save();
          listener.flushed(stats.created.get() + stats.updated.get());
        };
    try (BadRows bad = new BadRows(config.badRowsFile());
        BulkIndexer indexer =
            new BulkIndexer(
                os,
                config.bulkBytes(),
                new Backoff(config.backoff()),
                bad,
                stats,
                config.concurrency(),
                afterRequest)) {
      for (ArchiveFile file : todo) {
        try (InputStream in = archive.open(file)) {
          ArchiveReader.read(
              in,
              new ArchiveReader.Sink() {
                @Override
                public void entry(LogEntry entry, String line) {
                  Store store = storeCache.computeIfAbsent(entry.storeId(), stores);
                  List<Event> kept =
                      dev.tally.core.regulation.Suppressed.drop(
                          suppressions, entry.storeId(), entry.events());
                  counts[1] += entry.events().size() - kept.size();
                  for (Event e : kept) {
                    counts[1]++;
                    EventDocument doc;
                    try {
                      doc = EventDocument.of(config.names(), store, e);
                    } catch (RuntimeException invalid) {
                      // An archive from elsewhere may hold what ingest would have refused.
                      bad.line(
                          file.key(),
                          EventCodec.toJson(e).toString(),
                          "cannot make a document: " + invalid.getMessage());
                      continue;
                    }
                    if (!config.filter().wants(entry.storeId(), doc.day())) {
                      continue;
                    }
                    counts[2]++;
                    alias(doc, aliased);
                    indexer.add(doc);
                  }
                }

                @Override
                public void badLine(String line, String reason) {
                  bad.line(file.key(), line, reason);
                }
              },
              n -> {
                counts[0] += n;
                listener.read(n);
              });
        } catch (IOException e) {
          throw new UncheckedIOException(
              "cannot read " + file.key() + " from " + archive.describe() + ": " + e, e);
        }
        // Done once every request carrying its documents, and every one sent before, succeeded.
        indexer.whenIndexed(() -> state.markDone(file));
      }
      indexer.flush();
      afterRequest.run();
      return new ReplaySummary(
          files.size(),
          skipped,
          counts[0],
          counts[1],
          counts[2],
          stats.created.get(),
          stats.updated.get(),
          bad.count(),
          stats.retriedItems.get(),
          stats.requests.get(),
          Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /**
   * Before the first document of a store goes to an index: creates the index (from the template)
   * and adds the store's filtered alias to it. Both are idempotent.
   */
  private void alias(EventDocument d, Map<String, Set<String>> aliased) {
    String store = d.source().path("store").asText();
    Set<String> stores = aliased.get(d.index());
    if (stores == null) {
      os.ensureIndex(d.index());
      stores = new HashSet<>();
      aliased.put(d.index(), stores);
    }
    if (stores.add(store)) {
      os.putStoreAliases(config.names(), Map.of(d.index(), List.of(store)));
    }
  }
}
