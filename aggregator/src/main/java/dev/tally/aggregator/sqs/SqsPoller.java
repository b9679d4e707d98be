package dev.tally.aggregator.sqs;

import dev.tally.aggregator.AggregatorService;
import dev.tally.aggregator.ApplyResult;
import dev.tally.aggregator.DeadLetters;
import dev.tally.aggregator.PoisonMessageException;
import dev.tally.core.event.LogEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The local stack's consumer: long-polls the queue, applies each receive as one batch, then
 * deletes. A failure leaves the messages for redelivery (counting is idempotent); poison goes to
 * the dead-letter queue at once, with the reason attached.
 */
public final class SqsPoller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SqsPoller.class);
  private final SqsClient sqs;
  private final String queueUrl;
  private final DeadLetters deadLetters;
  private final AggregatorService service;
  private final AtomicLong applied = new AtomicLong();
  private volatile boolean running;
  private Thread thread;

  public SqsPoller(SqsClient sqs, String queueUrl, String dlqUrl, AggregatorService service) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.deadLetters = new SqsDeadLetters(sqs, dlqUrl);
    this.service = service;
  }

  public synchronized void start() {
    running = true;
    thread = new Thread(this::loop, "tally-sqs-poller");
    thread.setDaemon(true);
    thread.start();
  }

  /** Events counted since start, for logs and readiness checks. */
  public long applied() {
    return applied.get();
  }

  private void loop() {
    int failures = 0;
    while (running) {
      try {
        pollOnce(Duration.ofSeconds(1));
        failures = 0;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        failures++;
        LOG.warn("aggregation failed; messages will be redelivered: {}", e.toString());
        sleep(Math.min(5_000, 100L << Math.min(failures, 6)));
      }
    }
  }

  /** Receives up to ten messages and applies them; returns what was applied. */
  public ApplyResult pollOnce(Duration wait) {
    List<Message> messages =
        sqs.receiveMessage(
                b ->
                    b.queueUrl(queueUrl)
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds((int) wait.toSeconds()))
            .messages();
    if (messages.isEmpty()) {
      return ApplyResult.empty();
    }
    List<LogEntry> entries = new ArrayList<>();
    List<Message> good = new ArrayList<>();
    for (Message m : messages) {
      try {
        entries.add(service.decode(m.body().getBytes(StandardCharsets.UTF_8)));
        good.add(m);
      } catch (PoisonMessageException e) {
        deadLetter(m, e.getMessage());
      }
    }
    ApplyResult r = entries.isEmpty() ? ApplyResult.empty() : service.apply(entries);
    delete(good);
    applied.addAndGet(r.counted());
    return r;
  }

  private void deadLetter(Message m, String reason) {
    LOG.error("poison message {} moved to the DLQ: {}", m.messageId(), reason);
    deadLetters.keep(m.messageId(), m.body().getBytes(StandardCharsets.UTF_8), reason);
    delete(List.of(m));
  }

  private void delete(List<Message> messages) {
    if (messages.isEmpty()) {
      return;
    }
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      entries.add(
          DeleteMessageBatchRequestEntry.builder()
              .id(Integer.toString(i))
              .receiptHandle(messages.get(i).receiptHandle())
              .build());
    }
    sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
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
        thread.join(3_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
