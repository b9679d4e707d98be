package dev.tally.hooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays pending outbox items to Tally: read the oldest, send, then delete. A crash between send
 * and delete only causes a resend with the same deterministic messageId, which ingest deduplicates,
 * so each committed order is counted exactly once. The relay works on any {@link
 * dev.tally.core.item.ItemStore} engine behind the {@link Outbox}, DynamoDB through the AWS engine
 * included.
 */
public final class OutboxRelay implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  private static final int MAX_BATCHES_PER_TICK = 20;

  /** How long {@link #close()} lets an in-flight batch finish before interrupting it. */
  public static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private final Outbox outbox;
  private final EventSender sender;
  private final OutboxConfig config;
  private final Clock clock;
  private final Object lock = new Object();
  private ScheduledExecutorService scheduler;
  private Instant pausedUntil = Instant.MIN;
  private int failures;

  public OutboxRelay(Outbox outbox, EventSender sender, OutboxConfig config, Clock clock) {
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.sender = Objects.requireNonNull(sender, "sender");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Sends one batch of pending items, unless backing off after a failure.
   *
   * @return how many events Tally accepted
   */
  public int relayOnce() {
    synchronized (lock) {
      if (clock.instant().isBefore(pausedUntil)) {
        return 0;
      }
      List<OutboxEntry> entries = outbox.pending(config.batchSize());
      if (entries.isEmpty()) {
        return 0;
      }
      try {
        sender.send(entries.stream().map(OutboxEntry::event).toList());
        entries.forEach(outbox::markSent);
        failures = 0;
        return entries.size();
      } catch (RetryableSendException e) {
        backOff(e);
        return 0;
      } catch (PermanentSendException e) {
        return isolatePoison(entries, e);
      }
    }
  }

  // One bad event must not sink the good ones sent with it: resend one by one to find it.
  private int isolatePoison(List<OutboxEntry> entries, PermanentSendException batchError) {
    if (entries.size() == 1) {
      fail(entries.get(0), batchError);
      return 0;
    }
    int sent = 0;
    for (OutboxEntry entry : entries) {
      try {
        sender.send(List.of(entry.event()));
        outbox.markSent(entry);
        sent++;
      } catch (PermanentSendException e) {
        fail(entry, e);
      } catch (RetryableSendException e) {
        backOff(e);
        break;
      }
    }
    return sent;
  }

  private void fail(OutboxEntry entry, PermanentSendException e) {
    LOG.error(
        "Tally rejected {} for good, keeping it as failed: {}",
        entry.event().messageId(),
        e.getMessage());
    outbox.markFailed(entry, e.getMessage());
  }

  private void backOff(RetryableSendException e) {
    failures++;
    Duration delay = e.retryAfter().orElseGet(this::exponentialDelay);
    if (delay.compareTo(config.maxBackoff()) > 0) {
      delay = config.maxBackoff();
    }
    pausedUntil = clock.instant().plus(delay);
    LOG.warn(
        "sending to Tally failed (attempt {}), retrying in {}: {}",
        failures,
        delay,
        e.getMessage());
  }

  private Duration exponentialDelay() {
    int shift = Math.min(failures - 1, 20);
    Duration d = config.initialBackoff().multipliedBy(1L << shift);
    return d.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : d;
  }

  /** Starts polling every {@link OutboxConfig#pollInterval()} on a daemon thread. */
  public void start() {
    synchronized (this) {
      if (scheduler != null) {
        throw new IllegalStateException("relay already started");
      }
      scheduler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "tally-outbox-relay");
                t.setDaemon(true);
                return t;
              });
      long ms = config.pollInterval().toMillis();
      scheduler.scheduleWithFixedDelay(this::tick, 0, ms, TimeUnit.MILLISECONDS);
    }
  }

  private void tick() {
    try {
      // Drain a backlog quickly, but yield the thread after a bounded amount of work.
      for (int i = 0; i < MAX_BATCHES_PER_TICK && !Thread.currentThread().isInterrupted(); i++) {
        if (relayOnce() < config.batchSize()) {
          return;
        }
      }
    } catch (RuntimeException e) {
      // A storage outage must not kill the scheduled task: a thrown exception would cancel it.
      synchronized (lock) {
        backOff(new RetryableSendException("outbox unavailable: " + e, null, e));
      }
    }
  }

  /**
   * Stops polling. A batch in flight gets {@link #CLOSE_GRACE} to finish; after that it is
   * interrupted and its items stay pending for the next relay (which resends them, deduplicated).
   */
  @Override
  public void close() {
    ScheduledExecutorService s;
    synchronized (this) {
      s = scheduler;
      scheduler = null;
    }
    if (s == null) {
      return;
    }
    s.shutdown();
    try {
      if (!s.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        s.shutdownNow();
        if (!s.awaitTermination(10, TimeUnit.SECONDS)) {
          LOG.warn("outbox relay did not stop within 10 s");
        }
      }
    } catch (InterruptedException e) {
      s.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
