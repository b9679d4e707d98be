package dev.tally.aggregator;

import dev.tally.core.event.LogEntry;
import dev.tally.core.port.LogConsumer;
import dev.tally.core.port.LogRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long-running consumer for any durable log (the embedded log, SQS): polls, applies each poll as
 * one batch, then acknowledges. A failure leaves the records for redelivery (counting is
 * idempotent); a record that can never be applied is dead-lettered at once with its reason.
 */
public final class LogPoller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogPoller.class);
  private final LogConsumer log;
  private final AggregatorService service;
  private final int maxRecords;
  private final AtomicLong applied = new AtomicLong();
  private volatile boolean running;
  private volatile boolean idle = true;
  private Thread thread;

  public LogPoller(LogConsumer log, AggregatorService service, int maxRecords) {
    this.log = log;
    this.service = service;
    this.maxRecords = maxRecords;
  }

  public synchronized void start() {
    running = true;
    thread = new Thread(this::loop, "tally-log-poller");
    thread.setDaemon(true);
    thread.start();
  }

  /** Events counted since start, for logs and readiness checks. */
  public long applied() {
    return applied.get();
  }

  /** True when nothing is waiting in the log and no poll is being applied. */
  public boolean drained() {
    return idle && log.backlog() == 0;
  }

  private void loop() {
    int failures = 0;
    while (running) {
      try {
        pollOnce(Duration.ofMillis(500));
        failures = 0;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        failures++;
        LOG.warn("aggregation failed; the records will be delivered again: {}", e.toString());
        sleep(Math.min(5_000, 100L << Math.min(failures, 6)));
      }
    }
  }

  /** Polls once and applies what came; returns what was applied. */
  public ApplyResult pollOnce(Duration wait) {
    List<LogRecord> records = log.poll(maxRecords, wait);
    if (records.isEmpty()) {
      return ApplyResult.empty();
    }
    idle = false;
    try {
      List<LogEntry> entries = new ArrayList<>();
      List<LogRecord> good = new ArrayList<>();
      for (LogRecord r : records) {
        try {
          entries.add(service.decode(r.body()));
          good.add(r);
        } catch (PoisonMessageException e) {
          LOG.error("log record {} moved to dead letters: {}", r.id(), e.getMessage());
          log.deadLetter(r, e.getMessage());
        }
      }
      ApplyResult result = entries.isEmpty() ? ApplyResult.empty() : service.apply(entries);
      if (!good.isEmpty()) {
        log.ack(good);
      }
      applied.addAndGet(result.counted());
      return result;
    } finally {
      idle = true;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
