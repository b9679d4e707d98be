package dev.tally.aggregator;

import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.core.store.Store;
import dev.tally.core.store.StoreRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies log entries to the metrics, whatever the transport (SQS poller, Lambda, Flink). Entries
 * of one call are merged per store, so more events share each write.
 */
public final class AggregatorService {
  private static final Logger LOG = LoggerFactory.getLogger(AggregatorService.class);
  private final StoreRegistry stores;
  private final MetricWriter writer;
  private final Map<String, Store> storeCache = new ConcurrentHashMap<>();

  public AggregatorService(StoreRegistry stores, MetricWriter writer) {
    this.stores = stores;
    this.writer = writer;
  }

  /** Decodes a raw log message; throws {@link PoisonMessageException} if it never will. */
  public LogEntry decode(byte[] body) {
    try {
      LogEntry e = EventCodec.decode(body);
      store(e.storeId());
      return e;
    } catch (IllegalArgumentException e) {
      throw new PoisonMessageException("undecodable log message: " + e.getMessage(), e);
    }
  }

  public ApplyResult apply(List<LogEntry> entries) {
    Map<String, List<Event>> byStore = new LinkedHashMap<>();
    for (LogEntry e : entries) {
      byStore.computeIfAbsent(e.storeId(), k -> new ArrayList<>()).addAll(e.events());
    }
    ApplyResult total = ApplyResult.empty();
    for (var s : byStore.entrySet()) {
      long start = System.nanoTime();
      ApplyResult r = writer.apply(store(s.getKey()), s.getValue());
      LOG.debug(
          "store={} events={} counted={} alreadyCounted={} transactions={} writeUnits={} ms={}",
          s.getKey(),
          s.getValue().size(),
          r.counted(),
          r.alreadyCounted(),
          r.transactions(),
          r.writeUnits(),
          (System.nanoTime() - start) / 1_000_000);
      total = total.plus(r);
    }
    return total;
  }

  private Store store(String id) {
    Store s = storeCache.get(id);
    if (s == null) {
      s =
          stores
              .find(id)
              .orElseThrow(() -> new PoisonMessageException("unknown store '" + id + "'", null));
      storeCache.put(id, s);
    }
    return s;
  }
}
