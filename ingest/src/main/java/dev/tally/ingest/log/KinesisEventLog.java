package dev.tally.ingest.log;

import dev.tally.core.error.RetryableException;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogPacker;
import dev.tally.core.port.EventLog;
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
  private static final int ATTEMPTS = 3;
  private final KinesisClient kinesis;
  private final String streamName;

  public KinesisEventLog(KinesisClient kinesis, String streamName) {
    this.kinesis = kinesis;
    this.streamName = streamName;
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

  private void put(List<PutRecordsRequestEntry> pending) {
    for (int attempt = 1; ; attempt++) {
      try {
        List<PutRecordsRequestEntry> batch = List.copyOf(pending);
        PutRecordsResponse r = kinesis.putRecords(b -> b.streamName(streamName).records(batch));
        if (r.failedRecordCount() == null || r.failedRecordCount() == 0) {
          return;
        }
        List<PutRecordsRequestEntry> failed = new ArrayList<>();
        List<PutRecordsResultEntry> results = r.records();
        for (int i = 0; i < results.size(); i++) {
          if (results.get(i).errorCode() != null) {
            failed.add(batch.get(i));
          }
        }
        pending = failed;
        if (attempt >= ATTEMPTS) {
          throw new RetryableException(
              "log_unavailable",
              "Kinesis refused " + failed.size() + " records",
              Duration.ofSeconds(5));
        }
      } catch (SdkException e) {
        if (attempt >= ATTEMPTS) {
          throw new RetryableException(
              "log_unavailable",
              "Kinesis is unavailable: " + e.getMessage(),
              Duration.ofSeconds(5),
              e);
        }
      }
      try {
        Thread.sleep(100L * attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RetryableException("log_unavailable", "interrupted", Duration.ofSeconds(1));
      }
    }
  }
}
