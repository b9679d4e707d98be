package dev.tally.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.EventHeader;
import dev.tally.core.event.Json;
import dev.tally.core.event.LogEntry;
import dev.tally.core.event.Props;
import dev.tally.core.event.TrackEvent;
import dev.tally.core.port.EventLog;
import dev.tally.core.port.LogConsumer;
import dev.tally.core.port.LogRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of a durable log, both sides ({@link EventLog} and {@link LogConsumer}). Every log
 * engine's test class extends this and opens a fresh log per test; {@link #reopen()} must give the
 * same log again, as a restarted process would see it.
 */
public abstract class EventLogConformance<L extends EventLog & LogConsumer> {
  /** How a test opens its log. */
  public record Setup(Clock clock, Duration retention, Duration redeliverAfter) {}

  protected static final Duration RETENTION = Duration.ofDays(7);
  protected static final Duration REDELIVER_AFTER = Duration.ofMinutes(5);

  protected final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
  private final List<L> opened = new ArrayList<>();
  protected L log;

  /** Opens this test's log: fresh storage for each test, the same storage on each call. */
  protected abstract L open(Setup setup);

  /** The reasons given to dead-lettered records, by record id. */
  protected abstract Map<String, String> deadLetterReasons(L log);

  /** Every record the log still keeps, acknowledged or not, in position order. */
  protected abstract List<LogRecord> retained(L log);

  /** Deletes what the retention period no longer covers, as of the clock's now. */
  protected abstract void applyRetention(L log);

  @BeforeEach
  void openLog() {
    log = reopen();
  }

  @AfterEach
  void closeLogs() {
    opened.forEach(LogConsumer::close);
  }

  /** Closes the current log and opens its storage again. */
  protected L reopen() {
    if (log != null) {
      log.close();
    }
    L l = open(new Setup(clock, RETENTION, REDELIVER_AFTER));
    opened.add(l);
    log = l;
    return l;
  }

  @Test
  void append_thenPoll_givesBackTheSameEvents() {
    List<Event> a = events("a", 3);
    List<Event> b = events("b", 2);
    log.append("s1", a);
    log.append("s2", b);

    List<LogRecord> records = pollAtLeast(log, 2);
    List<LogEntry> entries = records.stream().map(r -> EventCodec.decode(r.body())).toList();
    for (int i = 0; i < records.size(); i++) {
      assertThat(records.get(i).id()).isEqualTo(entries.get(i).id());
      assertThat(records.get(i).appendedAt()).isNotNull();
    }
    assertThat(jsonOf(eventsOf(entries, "s1"))).isEqualTo(jsonOf(a));
    assertThat(jsonOf(eventsOf(entries, "s2"))).isEqualTo(jsonOf(b));
    assertThat(records).extracting(LogRecord::position).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void emptyAppend_writesNothing() {
    log.append("s1", List.of());
    assertThat(log.backlog()).isZero();
    assertThat(log.poll(10, Duration.ofMillis(50))).isEmpty();
  }

  @Test
  void ackedRecords_areNotDeliveredAgain_evenAfterReopen() {
    log.append("s1", events("a", 2));
    List<LogRecord> got = pollAtLeast(log, 1);
    log.ack(got);
    assertThat(log.poll(10, Duration.ofMillis(100))).isEmpty();
    clock.advance(REDELIVER_AFTER.plusMinutes(1));
    assertThat(log.poll(10, Duration.ofMillis(100))).isEmpty();
    reopen();
    assertThat(log.poll(10, Duration.ofMillis(100))).isEmpty();
    assertThat(log.backlog()).isZero();
  }

  @Test
  void unackedRecords_areDeliveredAgainAfterReopen() {
    log.append("s1", events("a", 1));
    log.append("s1", events("b", 1));
    List<LogRecord> first = pollAtLeast(log, 2);
    log.ack(first.subList(0, 1));

    reopen();
    List<LogRecord> again = log.poll(10, Duration.ofSeconds(2));
    assertThat(again).extracting(LogRecord::id).containsExactly(first.get(1).id());
    assertThat(again.get(0).body()).isEqualTo(first.get(1).body());
  }

  @Test
  void polledRecord_isHandedOutOnce_untilItsRedeliveryIsDue() {
    log.append("s1", events("a", 1));
    List<LogRecord> first = log.poll(10, Duration.ofSeconds(2));
    assertThat(first).hasSize(1);
    assertThat(log.poll(10, Duration.ofMillis(100))).as("in flight").isEmpty();

    clock.advance(REDELIVER_AFTER.plusSeconds(1));
    List<LogRecord> again = log.poll(10, Duration.ofSeconds(2));
    assertThat(again).extracting(LogRecord::id).containsExactly(first.get(0).id());
  }

  @Test
  void redeliveredRecords_comeBeforeNewerOnes() {
    log.append("s1", events("a", 1));
    List<LogRecord> first = log.poll(10, Duration.ofSeconds(2));
    log.append("s1", events("b", 1));
    clock.advance(REDELIVER_AFTER.plusSeconds(1));
    List<LogRecord> next = pollAtLeast(log, 2);
    assertThat(next.get(0).id()).isEqualTo(first.get(0).id());
    assertThat(next).extracting(LogRecord::position).isSorted();
  }

  @Test
  void deadLetter_removesTheRecordFromDelivery_andKeepsItsReason() {
    log.append("s1", events("bad", 1));
    log.append("s1", events("good", 1));
    List<LogRecord> got = pollAtLeast(log, 2);
    LogRecord bad = got.get(0);
    log.deadLetter(bad, "unknown event type in log: \"nope\"");

    assertThat(deadLetterReasons(log))
        .containsEntry(bad.id(), "unknown event type in log: \"nope\"");
    assertThat(log.backlog()).isEqualTo(1);
    clock.advance(REDELIVER_AFTER.plusMinutes(1));
    assertThat(log.poll(10, Duration.ofSeconds(1)))
        .extracting(LogRecord::id)
        .containsExactly(got.get(1).id());
    reopen();
    assertThat(log.poll(10, Duration.ofSeconds(1)))
        .extracting(LogRecord::id)
        .containsExactly(got.get(1).id());
    assertThat(deadLetterReasons(log)).containsKey(bad.id());
  }

  @Test
  void backlog_countsRecordsNotYetAcknowledged() {
    assertThat(log.backlog()).isZero();
    log.append("s1", events("a", 1));
    log.append("s1", events("b", 1));
    log.append("s2", events("c", 1));
    assertThat(log.backlog()).isEqualTo(3);
    List<LogRecord> got = pollAtLeast(log, 3);
    assertThat(log.backlog()).as("polling is not acknowledging").isEqualTo(3);
    log.ack(got.subList(0, 2));
    assertThat(log.backlog()).isEqualTo(1);
  }

  @Test
  void concurrentAppends_eightThreadsOfTwoHundred_areDeliveredExactlyOnceInTotal()
      throws Exception {
    int threads = 8;
    int perThread = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> appenders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String prefix = "t" + t + "-";
      String store = "s" + (t % 3);
      appenders.add(
          pool.submit(
              () -> {
                go.await();
                for (int i = 0; i < perThread; i++) {
                  log.append(store, List.of(event(prefix + i)));
                }
                return null;
              }));
    }
    // A consumer runs beside the appenders, acknowledging as it goes.
    List<String> delivered = Collections.synchronizedList(new ArrayList<>());
    Future<?> consumer =
        pool.submit(
            () -> {
              long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
              while (delivered.size() < threads * perThread && System.nanoTime() < deadline) {
                List<LogRecord> got = log.poll(50, Duration.ofMillis(200));
                for (LogRecord r : got) {
                  EventCodec.decode(r.body()).events().forEach(e -> delivered.add(e.messageId()));
                }
                log.ack(got);
              }
              return null;
            });
    go.countDown();
    for (Future<?> f : appenders) {
      f.get(120, TimeUnit.SECONDS);
    }
    consumer.get(130, TimeUnit.SECONDS);
    pool.shutdown();

    assertThat(delivered).hasSize(threads * perThread);
    assertThat(new HashSet<>(delivered)).hasSize(threads * perThread);
    assertThat(log.backlog()).isZero();
    assertThat(log.poll(10, Duration.ofMillis(100))).isEmpty();
  }

  @Test
  void poll_waitsUpToItsTimeout_andWakesWhenAnAppendArrives() throws Exception {
    long start = System.nanoTime();
    assertThat(log.poll(10, Duration.ofMillis(300))).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(250));

    CompletableFuture<List<LogRecord>> waiting =
        CompletableFuture.supplyAsync(() -> log.poll(10, Duration.ofSeconds(20)));
    Thread.sleep(300);
    assertThat(waiting).isNotDone();
    long appendedAt = System.nanoTime();
    log.append("s1", events("late", 1));
    List<LogRecord> got = waiting.get(10, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - appendedAt))
        .as("woken by the append, not by the timeout")
        .isLessThan(Duration.ofSeconds(5));
    assertThat(got).hasSize(1);
  }

  @Test
  void retention_deletesOnlyAcknowledgedRecordsOlderThanIt() {
    log.append("s1", events("old-acked", 1));
    log.append("s1", events("old-open", 1));
    List<LogRecord> old = pollAtLeast(log, 2);
    log.ack(old.subList(0, 1));

    applyRetention(log);
    assertThat(retained(log)).hasSize(2);

    clock.advance(RETENTION.plusHours(1));
    log.append("s1", events("new-acked", 1));
    // The old open record is due again by now and comes along; only the new one is acknowledged.
    List<LogRecord> fresh =
        pollAtLeast(log, 2).stream().filter(r -> !r.id().equals(old.get(1).id())).toList();
    log.ack(fresh);
    applyRetention(log);

    assertThat(retained(log))
        .extracting(LogRecord::id)
        .containsExactly(old.get(1).id(), fresh.get(0).id());
    assertThat(log.backlog()).isEqualTo(1);
  }

  @Test
  void largeAppend_isSplitIntoEntries_andEveryEventArrives() {
    List<Event> many = new ArrayList<>();
    String padding = "x".repeat(1_000);
    for (int i = 0; i < 600; i++) {
      ObjectNode props = Json.mapper().createObjectNode();
      props.put("productId", "p-" + i);
      props.put("note", padding);
      many.add(event("big-" + i, props));
    }
    log.append("s1", many);
    List<LogRecord> records = pollAtLeast(log, 2);
    List<Event> back = new ArrayList<>();
    records.forEach(r -> back.addAll(EventCodec.decode(r.body()).events()));
    assertThat(jsonOf(back)).isEqualTo(jsonOf(many));
  }

  /** Polls until at least {@code n} records came (or 10 s passed). */
  protected static List<LogRecord> pollAtLeast(LogConsumer log, int n) {
    List<LogRecord> out = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (out.size() < n && System.nanoTime() < deadline) {
      out.addAll(log.poll(100, Duration.ofMillis(500)));
    }
    assertThat(out.size()).as("records polled").isGreaterThanOrEqualTo(n);
    return out;
  }

  protected static List<Event> events(String prefix, int n) {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(event(prefix + "-" + i));
    }
    return out;
  }

  protected static Event event(String messageId) {
    ObjectNode props = Json.mapper().createObjectNode();
    props.put("productId", "p-1");
    props.put("price", 12.5);
    return event(messageId, props);
  }

  private static Event event(String messageId, ObjectNode props) {
    Instant t = Instant.parse("2026-03-02T09:59:00Z");
    return new TrackEvent(
        new EventHeader(messageId, "anon-1", null, t, null, null, t, Props.empty()),
        "Product Viewed",
        Props.of(props));
  }

  private static List<Event> eventsOf(List<LogEntry> entries, String storeId) {
    List<Event> out = new ArrayList<>();
    entries.stream().filter(e -> e.storeId().equals(storeId)).forEach(e -> out.addAll(e.events()));
    return out;
  }

  private static List<String> jsonOf(List<Event> events) {
    return events.stream().map(e -> EventCodec.toJson(e).toString()).toList();
  }
}
