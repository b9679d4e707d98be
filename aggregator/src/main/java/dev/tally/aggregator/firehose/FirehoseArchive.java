package dev.tally.aggregator.firehose;

import dev.tally.aggregator.Archive;
import dev.tally.core.error.RetryableException;
import dev.tally.core.retry.Backoff;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * The archive on a Firehose delivery stream (DirectPut): {@code PutRecordBatch} in chunks of at
 * most 500 records and 4 MiB, as the API allows. The records a response marks failed are sent again
 * with {@link Backoff}; what still fails is returned for the log to redeliver. The stream itself
 * appends the newline and partitions by store (see the CDK app's ArchiveStack).
 */
public final class FirehoseArchive implements Archive {
  static final int MAX_RECORDS = 500;
  static final long MAX_BYTES = 4L * 1024 * 1024;

  private final FirehoseClient firehose;
  private final String stream;
  private final Backoff backoff;

  public FirehoseArchive(FirehoseClient firehose, String stream, Backoff backoff) {
    this.firehose = firehose;
    this.stream = stream;
    this.backoff = backoff;
  }

  public static FirehoseArchive create(FirehoseClient firehose, String stream) {
    return new FirehoseArchive(firehose, stream, Backoff.create());
  }

  @Override
  public List<String> put(List<Item> items) {
    List<String> failed = new ArrayList<>();
    List<Item> chunk = new ArrayList<>();
    long bytes = 0;
    for (Item i : items) {
      if (!chunk.isEmpty()
          && (chunk.size() == MAX_RECORDS || bytes + i.body().length > MAX_BYTES)) {
        failed.addAll(putChunk(chunk));
        chunk = new ArrayList<>();
        bytes = 0;
      }
      chunk.add(i);
      bytes += i.body().length;
    }
    if (!chunk.isEmpty()) {
      failed.addAll(putChunk(chunk));
    }
    return failed;
  }

  /** One chunk: resends the records Firehose failed; returns the ids still failing. */
  private List<String> putChunk(List<Item> chunk) {
    List<Item>[] left = new List[] {chunk};
    try {
      backoff.untilDone(
          "archiving " + chunk.size() + " records to Firehose",
          () -> {
            left[0] = once(left[0]);
            return left[0].isEmpty();
          });
      return List.of();
    } catch (RetryableException e) {
      return left[0].stream().map(Item::id).toList();
    }
  }

  private List<Item> once(List<Item> items) {
    PutRecordBatchResponse r;
    try {
      r =
          firehose.putRecordBatch(
              b ->
                  b.deliveryStreamName(stream)
                      .records(
                          items.stream()
                              .map(
                                  i ->
                                      Record.builder()
                                          .data(SdkBytes.fromByteArray(i.body()))
                                          .build())
                              .toList()));
    } catch (SdkException e) {
      // The whole call failed (throttled, unavailable): every record is still to do.
      return items;
    }
    if (r.failedPutCount() == null || r.failedPutCount() == 0) {
      return List.of();
    }
    List<Item> again = new ArrayList<>();
    List<PutRecordBatchResponseEntry> entries = r.requestResponses();
    for (int k = 0; k < items.size(); k++) {
      if (k >= entries.size() || entries.get(k).errorCode() != null) {
        again.add(items.get(k));
      }
    }
    return again;
  }
}
