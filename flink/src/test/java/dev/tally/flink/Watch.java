package dev.tally.flink;

import dev.tally.aggregator.ApplyResult;
import dev.tally.aggregator.MetricWriter;
import dev.tally.core.event.Event;
import dev.tally.core.item.ForwardingItemStore;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.store.Store;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the job's sink subtasks did, seen from the test: the MiniCluster runs in the test's JVM, so
 * the decorators the test wires in ({@link Store}, {@link Writer}) report into these statics. It
 * also injects failures: an {@link InjectedFailure} is an {@link Error}, which no retry loop in the
 * aggregator or the sink catches, so it fails the Flink task as a crashed TaskManager would.
 */
final class Watch {
  /** Marks (counted events) in committed metric writes. */
  static final AtomicLong marksCommitted = new AtomicLong();

  /** Events the writer counted now, and events it found already counted, over all subtasks. */
  static final AtomicLong counted = new AtomicLong();

  static final AtomicLong alreadyCounted = new AtomicLong();

  /** Write calls of any kind (counters, sketches, links) that committed. */
  static final AtomicLong writeCalls = new AtomicLong();

  /** Counter transactions committed; first and last commit time (System.nanoTime). */
  static final AtomicLong transactions = new AtomicLong();

  static final AtomicLong firstWriteNanos = new AtomicLong();
  static final AtomicLong lastWriteNanos = new AtomicLong();

  /** Failures to inject: the next counter transactions fail, after (or before) they commit. */
  static final AtomicInteger failAfterCommit = new AtomicInteger();

  static final AtomicInteger failBeforeCommit = new AtomicInteger();
  static final AtomicInteger failuresInjected = new AtomicInteger();

  private Watch() {}

  static void reset() {
    marksCommitted.set(0);
    counted.set(0);
    alreadyCounted.set(0);
    transactions.set(0);
    writeCalls.set(0);
    firstWriteNanos.set(0);
    lastWriteNanos.set(0);
    failAfterCommit.set(0);
    failBeforeCommit.set(0);
    failuresInjected.set(0);
  }

  /** What an injected crash throws: an Error, so that it fails the task. */
  static final class InjectedFailure extends Error {
    InjectedFailure(String message) {
      super(message);
    }
  }

  /** Wraps the job's metrics store: records commits, injects failures around them. */
  static final class Store extends ForwardingItemStore {
    Store(ItemStore inner) {
      super(inner);
    }

    @Override
    public void write(List<? extends ItemWrite> writes) {
      long marks = 0;
      for (ItemWrite w : writes) {
        if (w instanceof ItemWrite.Update u && u.addMarks().containsKey(MetricKeys.SEEN)) {
          marks += u.addMarks().get(MetricKeys.SEEN).size();
        }
      }
      if (marks > 0 && take(failBeforeCommit)) {
        throw new InjectedFailure("injected: the task died before a counter transaction");
      }
      delegate.write(writes);
      writeCalls.incrementAndGet();
      long now = System.nanoTime();
      firstWriteNanos.compareAndSet(0, now);
      lastWriteNanos.set(now);
      if (marks > 0) {
        marksCommitted.addAndGet(marks);
        transactions.incrementAndGet();
        if (take(failAfterCommit)) {
          throw new InjectedFailure("injected: the task died right after a counter transaction");
        }
      }
    }

    private static boolean take(AtomicInteger pending) {
      while (true) {
        int n = pending.get();
        if (n <= 0) {
          return false;
        }
        if (pending.compareAndSet(n, n - 1)) {
          failuresInjected.incrementAndGet();
          return true;
        }
      }
    }
  }

  /** Wraps the job's writer: sums what it counted and what it found already counted. */
  static final class Writer implements MetricWriter {
    private final MetricWriter inner;

    Writer(MetricWriter inner) {
      this.inner = inner;
    }

    @Override
    public ApplyResult apply(dev.tally.core.store.Store store, List<Event> events) {
      ApplyResult r = inner.apply(store, events);
      counted.addAndGet(r.counted());
      alreadyCounted.addAndGet(r.alreadyCounted());
      return r;
    }
  }

  /** The production wiring, watched. */
  static AggregatorWiring wiring() {
    return DynamoDbWiring.create().decorateMetrics(Store::new).decorateWriter(Writer::new);
  }
}
