package dev.tally.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.core.error.RetryableException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff fast =
      new Backoff(new Backoff.Config(4, Duration.ofMillis(1), Duration.ofMillis(4)));

  @Test
  void stepDoneAtOnce_isCalledOnce() {
    AtomicInteger calls = new AtomicInteger();
    fast.untilDone("x", () -> calls.incrementAndGet() > 0);
    assertThat(calls).hasValue(1);
  }

  @Test
  void unfinishedStep_isCalledAgain_untilDone() {
    AtomicInteger calls = new AtomicInteger();
    fast.untilDone("x", () -> calls.incrementAndGet() == 3);
    assertThat(calls).hasValue(3);
  }

  @Test
  void attemptsRunningOut_isRetryable() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> fast.untilDone("BatchWriteItem", () -> calls.incrementAndGet() < 0))
        .isInstanceOf(RetryableException.class)
        .hasMessageContaining("BatchWriteItem")
        .hasMessageContaining("4 attempts");
    assertThat(calls).hasValue(4);
  }

  @Test
  void exceptions_areNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                fast.untilDone(
                    "x",
                    () -> {
                      calls.incrementAndGet();
                      throw new IllegalStateException("boom");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void pauses_areFullJitter_underAGrowingCappedBound() {
    Backoff b =
        new Backoff(new Backoff.Config(10, Duration.ofMillis(100), Duration.ofMillis(1000)));
    for (int i = 0; i < 200; i++) {
      assertThat(b.pause(1).toMillis()).isBetween(0L, 100L);
      assertThat(b.pause(3).toMillis()).isBetween(0L, 400L);
      assertThat(b.pause(30).toMillis()).isBetween(0L, 1000L);
    }
    long max = 0;
    for (int i = 0; i < 200; i++) {
      max = Math.max(max, b.pause(30).toMillis());
    }
    assertThat(max).isGreaterThan(500);
  }
}
