package dev.tally.core.log;

import dev.tally.core.event.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Group commit for a log: appends that arrive while a publish is in flight wait, then go out
 * together in the next publish. Under load this turns one log round-trip per request into one per
 * round, so many small calls ({@code /v1/track}) share a message. Each caller still returns only
 * after its own events were published, or throws what the publish threw, so a 2xx stays durable. No
 * thread of its own: the caller holding the lock publishes for everyone queued behind it. Shared by
 * every log engine (SQS, the local SQLite log).
 */
public final class GroupCommit {
  private record Pending(String storeId, List<Event> events, CompletableFuture<Void> done) {}

  private final ReentrantLock lock = new ReentrantLock(true);
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final Consumer<Map<String, List<Event>>> publish;
  private final int maxEventsPerRound;

  /** {@code publish} receives one round's events by store and throws if any failed. */
  public GroupCommit(Consumer<Map<String, List<Event>>> publish, int maxEventsPerRound) {
    this.publish = publish;
    this.maxEventsPerRound = maxEventsPerRound;
  }

  /** Returns once this call's events were published; throws what their round's publish threw. */
  public void append(String storeId, List<Event> events) {
    Pending mine = new Pending(storeId, events, new CompletableFuture<>());
    queue.add(mine);
    lock.lock();
    try {
      while (!mine.done.isDone()) {
        publishRound();
      }
    } finally {
      lock.unlock();
    }
    try {
      mine.done.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  private void publishRound() {
    List<Pending> round = new ArrayList<>();
    int n = 0;
    Pending p;
    while (n < maxEventsPerRound && (p = queue.poll()) != null) {
      round.add(p);
      n += p.events.size();
    }
    Map<String, List<Event>> byStore = new LinkedHashMap<>();
    for (Pending r : round) {
      byStore.computeIfAbsent(r.storeId, k -> new ArrayList<>()).addAll(r.events);
    }
    try {
      publish.accept(byStore);
      round.forEach(r -> r.done.complete(null));
    } catch (RuntimeException e) {
      // The whole round answers 503; nothing acknowledged is lost, and a retry is deduplicated.
      round.forEach(r -> r.done.completeExceptionally(e));
    }
  }
}
