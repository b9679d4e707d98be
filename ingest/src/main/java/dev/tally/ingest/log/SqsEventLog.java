package dev.tally.ingest.log;

import dev.tally.core.error.RetryableException;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.core.event.LogPacker;
import dev.tally.core.log.GroupCommit;
import dev.tally.core.port.EventLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The log on SQS. Many events go into each message (SQS allows 256 KB and bills per message), and
 * up to ten messages into each send call. Concurrent appends are group-committed ({@link
 * GroupCommit}), so single-event calls under load share messages instead of one round-trip each.
 */
public final class SqsEventLog implements EventLog {
  /** Under SQS's 256 KB so that a batch of one always fits. */
  static final int MAX_ENTRY_BYTES = 240 * 1024;

  private static final int MAX_BATCH_BYTES = 256 * 1024;
  private static final int ATTEMPTS = 3;

  /** One round carries at most this many events (a few send calls), bounding a waiter's delay. */
  private static final int MAX_EVENTS_PER_ROUND = 5_000;

  private final SqsClient sqs;
  private final String queueUrl;

  private final GroupCommit commits = new GroupCommit(this::publish, MAX_EVENTS_PER_ROUND);

  public SqsEventLog(SqsClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  @Override
  public void append(String storeId, List<Event> events) {
    commits.append(storeId, events);
  }

  private void publish(Map<String, List<Event>> byStore) {
    List<String> bodies = new ArrayList<>();
    byStore.forEach(
        (storeId, events) -> {
          for (LogEntry e : LogPacker.pack(storeId, events, MAX_ENTRY_BYTES)) {
            bodies.add(EventCodec.encodeToString(e));
          }
        });
    List<String> group = new ArrayList<>();
    int groupBytes = 0;
    for (String body : bodies) {
      int n = body.getBytes(StandardCharsets.UTF_8).length;
      if (!group.isEmpty() && (group.size() == 10 || groupBytes + n > MAX_BATCH_BYTES)) {
        send(group);
        group = new ArrayList<>();
        groupBytes = 0;
      }
      group.add(body);
      groupBytes += n;
    }
    if (!group.isEmpty()) {
      send(group);
    }
  }

  private void send(List<String> bodies) {
    List<SendMessageBatchRequestEntry> pending = new ArrayList<>();
    for (int i = 0; i < bodies.size(); i++) {
      pending.add(
          SendMessageBatchRequestEntry.builder()
              .id(Integer.toString(i))
              .messageBody(bodies.get(i))
              .build());
    }
    for (int attempt = 1; ; attempt++) {
      try {
        List<SendMessageBatchRequestEntry> batch = List.copyOf(pending);
        SendMessageBatchResponse r = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(batch));
        if (r.failed().isEmpty()) {
          return;
        }
        var failedIds = r.failed().stream().map(f -> f.id()).toList();
        pending.removeIf(e -> !failedIds.contains(e.id()));
        if (attempt >= ATTEMPTS) {
          throw new RetryableException(
              "log_unavailable",
              "SQS refused " + failedIds.size() + " messages: " + r.failed().get(0).message(),
              Duration.ofSeconds(5));
        }
      } catch (SdkException e) {
        if (attempt >= ATTEMPTS) {
          throw new RetryableException(
              "log_unavailable", "SQS is unavailable: " + e.getMessage(), Duration.ofSeconds(5), e);
        }
      }
      sleep(attempt);
    }
  }

  private static void sleep(int attempt) {
    try {
      Thread.sleep(50L * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableException("log_unavailable", "interrupted", Duration.ofSeconds(1));
    }
  }
}
