package dev.tally.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.testkit.metrics.Events;
import dev.tally.testkit.metrics.RawEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

class SplitByDeviceTest {
  static final Instant T = Instant.parse("2025-03-20T10:00:00Z");
  final Events events = new Events("s");
  final List<DeviceRecord> out = new ArrayList<>();
  final Collector<DeviceRecord> collector =
      new Collector<>() {
        @Override
        public void collect(DeviceRecord r) {
          out.add(r);
        }

        @Override
        public void close() {}
      };

  private static byte[] entry(String id, RawEvent... raw) {
    return EventCodec.encode(
        new LogEntry(id, "shop", List.of(raw).stream().map(RawEvent::toEvent).toList()));
  }

  @Test
  void oneDevicesRecord_passesThroughUnchanged_keyedByStoreAndDevice() {
    byte[] body = entry("e1", events.page("a1", null, T), events.identify("a1", "u1", T));
    new SplitByDevice().flatMap(new LogRecord("shard-0/1", "shop#a1", body), collector);
    assertThat(out).containsExactly(new DeviceRecord("shop#a1", "shard-0/1", body));
  }

  @Test
  void aRecordOfSeveralDevices_isSplitPerDevice_inOrder_withStableDerivedIds() {
    byte[] body =
        entry(
            "e2",
            events.page("a1", null, T),
            events.page(null, "u2", T),
            events.page("a1", null, T.plusSeconds(1)));
    new SplitByDevice().flatMap(new LogRecord("shard-0/2", "shop#x", body), collector);
    assertThat(out).extracting(r -> r.key).containsExactly("shop#a1", "shop#u2");
    assertThat(out).extracting(r -> r.sourceId).containsExactly("shard-0/2#a1", "shard-0/2#u2");
    LogEntry first = EventCodec.decode(out.get(0).body);
    assertThat(first.id()).isEqualTo("e2#a1");
    assertThat(first.events()).hasSize(2);
    assertThat(EventCodec.decode(out.get(1).body).events()).hasSize(1);
  }

  @Test
  void anUndecodableRecord_passesUnderItsPartitionKey_forTheSinkToDeadLetter() {
    byte[] junk = "not a log entry".getBytes(StandardCharsets.UTF_8);
    new SplitByDevice().flatMap(new LogRecord("shard-0/3", "shop#a9", junk), collector);
    assertThat(out).containsExactly(new DeviceRecord("shop#a9", "shard-0/3", junk));
  }
}
