package dev.tally.aggregator;

import dev.tally.core.error.RetryableException;
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
 * Applies log entries to the metrics, whatever the transport (log poller, Lambda, Flink). Entries
 * of one call are merged per store, so more events share each write.
 *
 * <p>One bad event affects only itself: when applying fails for a reason that retrying cannot fix,
 * the events are split in halves and each half applied again (exactly-once marks make the repeats
 * harmless), down to the single event that fails, which is kept in {@link BadEvents} with the
 * reason while every other event is counted. Retryable failures (throttling, conflicts, an
 * unavailable engine) are thrown as they are, for the transport to redeliver.
 */
public final class AggregatorService {
  private static final Logger LOG = LoggerFactory.getLogger(AggregatorService.class);
  private final StoreRegistry stores;
  private final MetricWriter writer;
  private final BadEvents badEvents;
  private final Map<String, Store> storeCache = new ConcurrentHashMap<>();

  public AggregatorService(StoreRegistry stores, MetricWriter writer, BadEvents badEvents) {
    this.stores = stores;
    this.writer = writer;
    this.badEvents = badEvents;
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
      ApplyResult r = applyIsolated(store(s.getKey()), s.getValue());
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

  private ApplyResult applyIsolated(Store store, List<Event> events) {
    try {
      return writer.apply(store, events);
    } catch (RetryableException e) {
      throw e;
    } catch (RuntimeException e) {
      if (events.size() == 1) {
        Event bad = events.get(0);
        String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
        LOG.error(
            "event {} of store {} can never be applied, kept as a bad event: {}",
            bad.messageId(),
            store.id(),
            reason);
        badEvents.keep(store.id(), bad, reason);
        return new ApplyResult(0, 0, 0, 0, 0, 1);
      }
      LOG.warn(
          "applying {} events of store {} failed ({}); isolating the bad one",
          events.size(),
          store.id(),
          e.toString());
      int half = events.size() / 2;
      return applyIsolated(store, events.subList(0, half))
          .plus(applyIsolated(store, events.subList(half, events.size())));
    }
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
