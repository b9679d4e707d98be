package dev.tally.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DeviceBatcherTest {

  private static KeyedOneInputStreamOperatorTestHarness<String, DeviceRecord, DeviceBatch> harness()
      throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new DeviceBatcher(3, Duration.ofMillis(200))),
            r -> r.key,
            Types.STRING);
    h.open();
    return h;
  }

  private static DeviceRecord rec(String key, String id) {
    return new DeviceRecord(key, id, id.getBytes());
  }

  private static List<String> batches(
      KeyedOneInputStreamOperatorTestHarness<String, DeviceRecord, DeviceBatch> h) {
    List<String> out = new ArrayList<>();
    for (Object o : h.getOutput()) {
      if (o instanceof StreamRecord<?> r && r.getValue() instanceof DeviceBatch b) {
        List<String> ids = new ArrayList<>();
        for (DeviceRecord d : b.records) {
          ids.add(d.sourceId);
        }
        out.add(b.key + "=" + ids);
      }
    }
    return out;
  }

  @Test
  void aDevicesBatch_isEmittedAtTheCount_inOrder_andOtherDevicesWait() throws Exception {
    try (var h = harness()) {
      h.setProcessingTime(0);
      h.processElement(rec("s#a", "1"), 0);
      h.processElement(rec("s#b", "2"), 0);
      h.processElement(rec("s#a", "3"), 0);
      h.processElement(rec("s#a", "4"), 0);
      assertThat(batches(h)).containsExactly("s#a=[1, 3, 4]");
    }
  }

  @Test
  void aDevicesBatch_isEmittedWhenItsFirstRecordHasWaitedLongEnough() throws Exception {
    try (var h = harness()) {
      h.setProcessingTime(1_000);
      h.processElement(rec("s#a", "1"), 0);
      h.setProcessingTime(1_100);
      h.processElement(rec("s#a", "2"), 0);
      h.setProcessingTime(1_199);
      assertThat(batches(h)).isEmpty();
      h.setProcessingTime(1_200);
      assertThat(batches(h)).containsExactly("s#a=[1, 2]");
    }
  }

  @Test
  void pendingRecords_arePartOfTheCheckpoint_andComeBackOnRestore() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.setProcessingTime(0);
      h.processElement(rec("s#a", "1"), 0);
      h.processElement(rec("s#a", "2"), 0);
      snapshot = h.snapshot(1, 0);
    }
    try (var restored =
        new KeyedOneInputStreamOperatorTestHarness<String, DeviceRecord, DeviceBatch>(
            new KeyedProcessOperator<>(new DeviceBatcher(3, Duration.ofMillis(200))),
            r -> r.key,
            Types.STRING)) {
      restored.setProcessingTime(0);
      restored.initializeState(snapshot);
      restored.open();
      restored.processElement(rec("s#a", "3"), 0);
      assertThat(batches(restored)).containsExactly("s#a=[1, 2, 3]");
    }
  }
}
