package dev.tally.aggregator.sqs;

import dev.tally.aggregator.DeadLetters;
import dev.tally.core.error.RetryableException;
import dev.tally.core.port.LogConsumer;
import dev.tally.core.port.LogRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The SQS queue as a {@link LogConsumer}: long-poll receives, acknowledgement by delete, dead
 * letters on the DLQ. Unacknowledged messages come back after the visibility timeout.
 */
public final class SqsLogConsumer implements LogConsumer {
  private final SqsClient sqs;
  private final String queueUrl;
  private final DeadLetters deadLetters;
  private final Map<String, String> receipts = new ConcurrentHashMap<>();

  public SqsLogConsumer(SqsClient sqs, String queueUrl, String dlqUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.deadLetters = new SqsDeadLetters(sqs, dlqUrl);
  }

  @Override
  public List<LogRecord> poll(int max, Duration wait) {
    try {
      List<Message> messages =
          sqs.receiveMessage(
                  b ->
                      b.queueUrl(queueUrl)
                          .maxNumberOfMessages(Math.min(10, max))
                          .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP)
                          .waitTimeSeconds((int) Math.min(20, wait.toSeconds())))
              .messages();
      List<LogRecord> out = new ArrayList<>();
      for (Message m : messages) {
        receipts.put(m.messageId(), m.receiptHandle());
        String sent = m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
        out.add(
            new LogRecord(
                0,
                m.messageId(),
                sent == null ? Instant.now() : Instant.ofEpochMilli(Long.parseLong(sent)),
                m.body().getBytes(StandardCharsets.UTF_8)));
      }
      return out;
    } catch (SdkException e) {
      throw unavailable(e);
    }
  }

  @Override
  public void ack(List<LogRecord> records) {
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
    for (LogRecord r : records) {
      String receipt = receipts.remove(r.id());
      if (receipt != null) {
        entries.add(
            DeleteMessageBatchRequestEntry.builder()
                .id(Integer.toString(entries.size()))
                .receiptHandle(receipt)
                .build());
      }
      if (entries.size() == 10) {
        delete(entries);
        entries = new ArrayList<>();
      }
    }
    if (!entries.isEmpty()) {
      delete(entries);
    }
  }

  private void delete(List<DeleteMessageBatchRequestEntry> entries) {
    try {
      sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
    } catch (SdkException e) {
      throw unavailable(e);
    }
  }

  @Override
  public void deadLetter(LogRecord record, String reason) {
    deadLetters.keep(record.id(), record.body(), reason);
    ack(List.of(record));
  }

  @Override
  public long backlog() {
    try {
      var a =
          sqs.getQueueAttributes(
                  b ->
                      b.queueUrl(queueUrl)
                          .attributeNames(
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
              .attributes();
      return Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
          + Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    } catch (SdkException e) {
      throw unavailable(e);
    }
  }

  private static RetryableException unavailable(SdkException e) {
    return new RetryableException(
        "log_unavailable", "SQS: " + e.getMessage(), Duration.ofSeconds(1), e);
  }
}
