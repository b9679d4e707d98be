package dev.tally.ingest.log;

import dev.tally.core.error.RetryableException;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogPacker;
import dev.tally.core.port.EventLog;
import dev.tally.core.retry.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The log on Kinesis. Events are grouped by person into records with partition key {@code
 * store#(anonymousId ?? userId)}.
 *
 * <p>Why the anonymous id first: a shopper browses anonymously and then signs in, after which the
 * same device sends both ids. Keying by {@code userId ?? anonymousId} would move the device's later
 * events to another shard, so the aggregator could see "Order Completed" before the "Product Added"
 * that preceded it, breaking funnel order. Keying by the device keeps one device's events in order
 * on one shard across sign-in; server-side calls with only a user id are keyed by that id.
 */
public final class KinesisEventLog implements EventLog {
  static final int MAX_RECORD_BYTES = 900 * 1024;
  private static final int MAX_RECORDS_PER_CALL = 500;
  private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
  private final KinesisClient kinesis;
  private final String streamName;
  private final Backoff backoff;

  public KinesisEventLog(KinesisClient kinesis, String streamName) {
    this(kinesis, streamName, new Backoff(SqsEventLog.PUBLISH_BACKOFF));
  }

  public KinesisEventLog(KinesisClient kinesis, String streamName, Backoff backoff) {
    this.kinesis = kinesis;
    this.streamName = streamName;
    this.backoff = backoff;
  }

  @Override
  public void append(String storeId, List<Event> events) {
    List<PutRecordsRequestEntry> records = new ArrayList<>();
    for (var p : LogPacker.pack(storeId, events, MAX_RECORD_BYTES, e -> e.header().deviceId())) {
      records.add(
          PutRecordsRequestEntry.builder()
              .partitionKey(storeId + "#" + p.groupKey())
              .data(SdkBytes.fromByteArray(EventCodec.encode(p.entry())))
              .build());
    }
    for (int i = 0; i < records.size(); i += MAX_RECORDS_PER_CALL) {
      put(new ArrayList<>(records.subList(i, Math.min(records.size(), i + MAX_RECORDS_PER_CALL))));
    }
  }

  private void put(List<PutRecordsRequestEntry> records) {
    List<PutRecordsRequestEntry> pending = new ArrayList<>(records);
    // The SDK already retried throttling and failed requests: an SdkException here is final for
    // this call. What is left to do here is resending the records Kinesis refused in a 200 answer.
    backoff.untilDone(
        "log_unavailable",
        "Kinesis PutRecords",
        () -> {
          List<PutRecordsRequestEntry> batch = List.copyOf(pending);
          PutRecordsResponse r;
          try {
            r = kinesis.putRecords(b -> b.streamName(streamName).records(batch));
          } catch (SdkException e) {
            throw new RetryableException(
                "log_unavailable", "Kinesis is unavailable: " + e.getMessage(), RETRY_AFTER, e);
          }
          pending.clear();
          List<PutRecordsResultEntry> results = r.records();
          for (int i = 0; i < results.size(); i++) {
            if (results.get(i).errorCode() != null) {
              pending.add(batch.get(i));
            }
          }
          return pending.isEmpty();
        });
  }
}
