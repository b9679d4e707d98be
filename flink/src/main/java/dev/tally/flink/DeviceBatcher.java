package dev.tally.flink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Collects one device's records and emits them as one batch when it holds {@code maxRecords}, or
 * {@code maxWait} after its first record, whichever comes first. The buffer is keyed state, so it
 * is part of every checkpoint: records read before a checkpoint but not yet applied are restored
 * with it, never lost. No counting happens here.
 */
public final class DeviceBatcher extends KeyedProcessFunction<String, DeviceRecord, DeviceBatch> {
  private static final long serialVersionUID = 1L;
  private final int maxRecords;
  private final long maxWaitMillis;
  private transient ListState<DeviceRecord> pending;
  private transient ValueState<Integer> count;
  private transient ValueState<Long> timer;

  public DeviceBatcher(int maxRecords, Duration maxWait) {
    this.maxRecords = maxRecords;
    this.maxWaitMillis = maxWait.toMillis();
  }

  @Override
  public void open(Configuration parameters) {
    pending =
        getRuntimeContext()
            .getListState(
                new ListStateDescriptor<>("pending", TypeInformation.of(DeviceRecord.class)));
    count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.INT));
    timer = getRuntimeContext().getState(new ValueStateDescriptor<>("timer", Types.LONG));
  }

  @Override
  public void processElement(DeviceRecord r, Context ctx, Collector<DeviceBatch> out)
      throws Exception {
    pending.add(r);
    Integer n = count.value();
    int now = n == null ? 1 : n + 1;
    if (now >= maxRecords) {
      Long t = timer.value();
      if (t != null) {
        ctx.timerService().deleteProcessingTimeTimer(t);
      }
      flush(ctx.getCurrentKey(), out);
      return;
    }
    count.update(now);
    if (timer.value() == null) {
      long at = ctx.timerService().currentProcessingTime() + maxWaitMillis;
      ctx.timerService().registerProcessingTimeTimer(at);
      timer.update(at);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<DeviceBatch> out)
      throws Exception {
    flush(ctx.getCurrentKey(), out);
  }

  private void flush(String key, Collector<DeviceBatch> out) throws Exception {
    List<DeviceRecord> records = new ArrayList<>();
    Iterable<DeviceRecord> it = pending.get();
    if (it != null) {
      it.forEach(records::add);
    }
    pending.clear();
    count.clear();
    timer.clear();
    if (!records.isEmpty()) {
      out.collect(new DeviceBatch(key, records.toArray(new DeviceRecord[0])));
    }
  }
}
