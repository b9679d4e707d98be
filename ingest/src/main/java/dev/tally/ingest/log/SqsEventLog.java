package dev.tally.ingest.log;

import dev.tally.core.error.RetryableException;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.core.event.LogPacker;
import dev.tally.core.log.GroupCommit;
import dev.tally.core.port.EventLog;
import dev.tally.core.retry.Backoff;
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

  /**
   * Publishing is on ingest's hot path (the client waits): 3 rounds, at most 50 then 100 ms of
   * pause, on top of the SDK's own retries.
   */
  public static final Backoff.Config PUBLISH_BACKOFF =
      new Backoff.Config(3, Duration.ofMillis(50), Duration.ofMillis(200));

  private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  /** One round carries at most this many events (a few send calls), bounding a waiter's delay. */
  private static final int MAX_EVENTS_PER_ROUND = 5_000;

  private final SqsClient sqs;
  private final String queueUrl;
  private final Backoff backoff;

  private final GroupCommit commits = new GroupCommit(this::publish, MAX_EVENTS_PER_ROUND);

  public SqsEventLog(SqsClient sqs, String queueUrl) {
    this(sqs, queueUrl, new Backoff(PUBLISH_BACKOFF));
  }

  public SqsEventLog(SqsClient sqs, String queueUrl, Backoff backoff) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.backoff = backoff;
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
    // The SDK already retried throttling and failed requests: an SdkException here is final for
    // this call. What is left to do here is resending the entries SQS refused in a 200 answer.
    backoff.untilDone(
        "log_unavailable",
        "SQS SendMessageBatch",
        () -> {
          List<SendMessageBatchRequestEntry> batch = List.copyOf(pending);
          SendMessageBatchResponse r;
          try {
            r = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(batch));
          } catch (SdkException e) {
            throw new RetryableException(
                "log_unavailable", "SQS is unavailable: " + e.getMessage(), RETRY_AFTER, e);
          }
          var failedIds = r.failed().stream().map(f -> f.id()).toList();
          pending.removeIf(e -> !failedIds.contains(e.id()));
          return pending.isEmpty();
        });
  }
}
