package dev.tally.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.AggregatorService;
import dev.tally.aggregator.ItemBadEvents;
import dev.tally.aggregator.LogPoller;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.core.error.RetryableException;
import dev.tally.core.event.Event;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.port.DedupStore;
import dev.tally.core.port.ItemDedupStore;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.ingest.Endpoint;
import dev.tally.ingest.IngestConfig;
import dev.tally.ingest.IngestMetrics;
import dev.tally.ingest.IngestRequest;
import dev.tally.ingest.IngestService;
import dev.tally.sqlite.SqliteDatabase;
import dev.tally.sqlite.SqliteEventLog;
import dev.tally.sqlite.SqliteItemStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client retries a message id after the server restarted, and the retry differs from the first
 * copy as real clients' retries can: it adds an anonymous id (the SDK learned one) and its clock
 * moved it across midnight. Whether or not the first copy's publish was recorded before the crash,
 * the event is counted once, on the first copy's day and identity.
 */
class RetryAfterRestartIT {
  static final Store STORE = Store.of("shop", "UTC", "USD", List.of());
  static final Instant BEFORE_MIDNIGHT =
      Instant.now()
          .minus(Duration.ofDays(1))
          .truncatedTo(java.time.temporal.ChronoUnit.DAYS)
          .plusSeconds(86_400 - 20);

  @TempDir Path dir;

  /** Ingest and aggregator on the embedded engine's files in {@code dir}, as {@code tally up}. */
  final class Node implements AutoCloseable {
    final SqliteDatabase db = SqliteDatabase.open(dir.resolve("tally.db"));
    final SqliteEventLog log = SqliteEventLog.open(dir.resolve("log.db"));
    final SqliteItemStore metrics = db.table("metrics");
    final ItemStoreRegistry stores = new ItemStoreRegistry(db.table("stores"));
    final IngestService ingest;
    final LogPoller poller;

    Node(boolean dedupForgetsPublishes) {
      if (stores.find(STORE.id()).isEmpty()) {
        stores.create(STORE, "wk_shop", "rk_shop");
      }
      DedupStore dedup =
          new ItemDedupStore(db.table("dedup"), Duration.ofHours(24), Clock.systemUTC());
      if (dedupForgetsPublishes) {
        dedup = crashesBeforeRemembering(dedup);
      }
      ingest =
          new IngestService(
              IngestConfig.defaults(), stores, dedup, log, Clock.systemUTC(), IngestMetrics.noop());
      poller =
          new LogPoller(
              log,
              new AggregatorService(
                  stores,
                  new ItemMetricWriter(metrics, AggregatorConfig.defaults()),
                  new ItemBadEvents(metrics, Clock.systemUTC())),
              64);
    }

    int send(String json) {
      String auth = "Basic " + Base64.getEncoder().encodeToString("wk_shop:".getBytes());
      return ingest
          .handle(
              new IngestRequest(
                  Endpoint.TRACK,
                  json.getBytes(StandardCharsets.UTF_8),
                  "application/json",
                  null,
                  auth,
                  null))
          .accepted();
    }

    void aggregateAll() {
      while (log.backlog() > 0) {
        poller.pollOnce(Duration.ofMillis(100));
      }
    }

    long events() {
      long n = 0;
      for (int shard = 0; shard < 4; shard++) {
        for (Item i : metrics.query(ItemQuery.partition(MetricKeys.storeShardPk("shop", shard)))) {
          n += i.num("events");
        }
      }
      return n;
    }

    /** The keys of every item in a person's partition: person-days and first visits. */
    List<String> userDays() {
      return metrics.scan().stream()
          .map(Item::key)
          .filter(k -> k.pk().contains("#USER#"))
          .map(k -> k.pk().substring("shop#USER#".length()) + " " + k.sk())
          .sorted()
          .toList();
    }

    @Override
    public void close() {
      log.close();
      db.close();
    }
  }

  /** A dedup store whose "published" records never arrive, as when ingest dies right there. */
  static DedupStore crashesBeforeRemembering(DedupStore inner) {
    return new DedupStore() {
      @Override
      public Set<String> seen(String storeId, Collection<String> ids) {
        return inner.seen(storeId, ids);
      }

      @Override
      public Map<String, Pin> pinned(String storeId, Collection<String> ids) {
        return inner.pinned(storeId, ids);
      }

      @Override
      public void pin(String storeId, Collection<Event> events) {
        inner.pin(storeId, events);
      }

      @Override
      public void remember(String storeId, Collection<String> ids) {
        throw new RetryableException("crash", "process died before remembering", Duration.ZERO);
      }
    };
  }

  static String first() {
    return "{\"messageId\":\"m-1\",\"userId\":\"u1\",\"event\":\"Product Viewed\","
        + "\"timestamp\":\""
        + BEFORE_MIDNIGHT
        + "\",\"properties\":{\"product_id\":\"p1\"}}";
  }

  static String retry() {
    return "{\"messageId\":\"m-1\",\"userId\":\"u1\",\"anonymousId\":\"a-new\","
        + "\"event\":\"Product Viewed\",\"timestamp\":\""
        + BEFORE_MIDNIGHT.plusSeconds(40)
        + "\",\"properties\":{\"product_id\":\"p1\"}}";
  }

  @Test
  void retryWithNewIdentityAcrossMidnight_afterARestart_isCountedOnce() {
    try (Node node = new Node(false)) {
      assertThat(node.send(first())).isEqualTo(1);
      node.aggregateAll();
      assertThat(node.events()).isEqualTo(1);
    }
    try (Node restarted = new Node(false)) {
      restarted.send(retry());
      restarted.aggregateAll();
      assertThat(restarted.events()).isEqualTo(1);
      // The person-day and the device's first visit; nothing for the retry's new anonymous id.
      assertThat(restarted.userDays())
          .containsExactly("u1 DAY#" + day(BEFORE_MIDNIGHT), "u1 FIRST");
    }
  }

  @Test
  void retryAfterACrashBetweenPublishAndRemember_isPublishedAsTheFirstCopy_andCountedOnce() {
    try (Node node = new Node(true)) {
      node.send(first());
      node.aggregateAll();
      assertThat(node.events()).isEqualTo(1);
    }
    try (Node restarted = new Node(false)) {
      restarted.send(retry());
      restarted.aggregateAll();
      assertThat(restarted.events()).as("the retry was republished but not counted").isEqualTo(1);
      // No device-day or first visit for the new anonymous id, nothing after midnight.
      assertThat(restarted.userDays())
          .containsExactly("u1 DAY#" + day(BEFORE_MIDNIGHT), "u1 FIRST");
    }
  }

  private static String day(Instant t) {
    return t.atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
  }
}
