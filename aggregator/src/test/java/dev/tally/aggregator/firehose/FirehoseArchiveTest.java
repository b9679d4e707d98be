package dev.tally.aggregator.firehose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.aggregator.Archive;
import dev.tally.core.retry.Backoff;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.FirehoseServiceClientConfiguration;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.ServiceUnavailableException;

/** PutRecordBatch chunking, and resending only the records Firehose marked failed. */
class FirehoseArchiveTest {

  /** A Firehose that fails chosen records a number of times, or whole calls. */
  static final class StubFirehose implements FirehoseClient {
    final List<PutRecordBatchRequest> calls = new ArrayList<>();
    final Map<String, Integer> failTimes = new HashMap<>();
    int failWholeCalls;
    final List<String> stored = new ArrayList<>();

    @Override
    public PutRecordBatchResponse putRecordBatch(PutRecordBatchRequest request) {
      calls.add(request);
      if (failWholeCalls > 0) {
        failWholeCalls--;
        throw ServiceUnavailableException.builder().message("slow down").build();
      }
      List<PutRecordBatchResponseEntry> entries = new ArrayList<>();
      int failed = 0;
      for (var r : request.records()) {
        String body = r.data().asString(StandardCharsets.UTF_8);
        int left = failTimes.getOrDefault(body, 0);
        if (left > 0) {
          failTimes.put(body, left - 1);
          failed++;
          entries.add(
              PutRecordBatchResponseEntry.builder()
                  .errorCode("ServiceUnavailableException")
                  .build());
        } else {
          stored.add(body);
          entries.add(PutRecordBatchResponseEntry.builder().recordId("r" + stored.size()).build());
        }
      }
      return PutRecordBatchResponse.builder()
          .failedPutCount(failed)
          .requestResponses(entries)
          .build();
    }

    @Override
    public String serviceName() {
      return "firehose";
    }

    @Override
    public void close() {}

    @Override
    public FirehoseServiceClientConfiguration serviceClientConfiguration() {
      return null;
    }
  }

  StubFirehose stub = new StubFirehose();
  FirehoseArchive archive =
      new FirehoseArchive(
          stub,
          "tally-dev-archive",
          new Backoff(new Backoff.Config(4, Duration.ZERO, Duration.ZERO)));

  static List<Archive.Item> items(int n, int bytes) {
    List<Archive.Item> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String body = ("{\"i\":" + i + "}") + " ".repeat(Math.max(0, bytes - 10));
      out.add(new Archive.Item("m" + i, body.getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  @Test
  void morethan500Records_orMoreThan4MiB_goInSeveralCalls() {
    assertThat(archive.put(items(1_201, 20))).isEmpty();
    assertThat(stub.calls).extracting(c -> c.records().size()).containsExactly(500, 500, 201);
    assertThat(stub.calls.get(0).deliveryStreamName()).isEqualTo("tally-dev-archive");
    stub.calls.clear();
    assertThat(archive.put(items(10, 900 * 1024))).isEmpty();
    assertThat(stub.calls).extracting(c -> c.records().size()).containsExactly(4, 4, 2);
    assertThat(stub.stored).hasSize(1_211);
  }

  @Test
  void onlyTheFailedRecordsAreSentAgain() {
    List<Archive.Item> items = items(5, 10);
    stub.failTimes.put(new String(items.get(1).body(), StandardCharsets.UTF_8), 2);
    assertThat(archive.put(items)).isEmpty();
    assertThat(stub.calls).extracting(c -> c.records().size()).containsExactly(5, 1, 1);
    assertThat(stub.stored).hasSize(5).doesNotHaveDuplicates();
  }

  @Test
  void recordsThatStillFailAfterTheLastAttempt_areReturnedForTheLogToRedeliver() {
    List<Archive.Item> items = items(3, 10);
    stub.failTimes.put(new String(items.get(2).body(), StandardCharsets.UTF_8), 99);
    assertThat(archive.put(items)).containsExactly("m2");
    assertThat(stub.calls).hasSize(4);
  }

  @Test
  void aFailedCall_isRetriedWhole() {
    stub.failWholeCalls = 2;
    assertThat(archive.put(items(3, 10))).isEmpty();
    assertThat(stub.calls).hasSize(3);
    assertThat(Set.copyOf(stub.stored)).hasSize(3);
  }
}
