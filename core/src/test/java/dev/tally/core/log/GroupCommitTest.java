package dev.tally.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.core.error.RetryableException;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventHeader;
import dev.tally.core.event.Props;
import dev.tally.core.event.TrackEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
  @Test
  void concurrentAppends_shareRounds_andEachReturnsOnlyAfterItsEventWasPublished()
      throws Exception {
    Set<String> published = ConcurrentHashMap.newKeySet();
    List<Integer> roundSizes = Collections.synchronizedList(new ArrayList<>());
    GroupCommit commits =
        new GroupCommit(
            byStore -> {
              sleep(20);
              byStore.values().forEach(events -> events.forEach(e -> published.add(e.messageId())));
              roundSizes.add(byStore.values().stream().mapToInt(List::size).sum());
            },
            1_000);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> calls = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      String id = "m" + i;
      String store = i % 2 == 0 ? "a" : "b";
      calls.add(
          pool.submit(
              () -> {
                go.await();
                commits.append(store, List.of(event(id)));
                return published.contains(id);
              }));
    }
    go.countDown();
    for (Future<Boolean> c : calls) {
      assertThat(c.get()).as("published before append returned").isTrue();
    }
    pool.shutdown();
    assertThat(published).hasSize(32);
    assertThat(roundSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(32);
    assertThat(roundSizes.size()).as("rounds").isLessThan(32);
  }

  @Test
  void failedRound_throwsToItsCaller_andTheNextAppendIsPublished() {
    AtomicBoolean down = new AtomicBoolean(true);
    List<Map<String, List<Event>>> rounds = new ArrayList<>();
    GroupCommit commits =
        new GroupCommit(
            byStore -> {
              if (down.get()) {
                throw new RetryableException("log_unavailable", "down", Duration.ofSeconds(5));
              }
              rounds.add(byStore);
            },
            1_000);
    assertThatThrownBy(() -> commits.append("s", List.of(event("x"))))
        .isInstanceOf(RetryableException.class)
        .hasMessage("down");
    down.set(false);
    commits.append("s", List.of(event("x")));
    assertThat(rounds).hasSize(1);
    assertThat(rounds.get(0).get("s")).extracting(Event::messageId).containsExactly("x");
  }

  private static Event event(String id) {
    Instant now = Instant.now();
    return new TrackEvent(
        new EventHeader(id, "anon", null, now, null, null, now, Props.empty()),
        "Product Viewed",
        Props.empty());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
