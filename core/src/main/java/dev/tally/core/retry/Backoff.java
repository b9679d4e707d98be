package dev.tally.core.retry;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.tally.core.error.RetryableException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * The one backoff for every loop in Tally that resends what a service left unprocessed (DynamoDB's
 * unprocessed batch keys and items, SQS's and Kinesis's failed batch entries, Firehose's failed
 * records, OpenSearch's refused bulk items, the Flink sink's retryable batches): a bounded number
 * of attempts, full jitter (a random pause between 0 and {@code min(cap, base * 2^attempt)}), a
 * cap. It sits on top of the SDK's own retry strategy, which already retries throttled and failed
 * requests; exceptions are never retried here. Built on Failsafe's {@link RetryPolicy}.
 */
public final class Backoff {
  /**
   * @param maxAttempts calls in all, the first included (at least 1)
   * @param base the pause bound after the first attempt, doubled after each further one
   * @param cap the largest pause bound
   */
  public record Config(int maxAttempts, Duration base, Duration cap) {
    /** 10 attempts, 25 ms doubling up to 2 s: about 5 s of pauses at most. */
    public static final Config DEFAULT =
        new Config(10, Duration.ofMillis(25), Duration.ofSeconds(2));

    public Config {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1");
      }
      if (base.isNegative() || cap.isNegative() || cap.compareTo(base) < 0) {
        throw new IllegalArgumentException("need 0 <= base <= cap");
      }
    }
  }

  private final Config config;
  private final RetryPolicy<Boolean> policy;

  public Backoff(Config config) {
    this.config = config;
    this.policy =
        RetryPolicy.<Boolean>builder()
            .handleResult(false)
            .abortOn(Throwable.class)
            .withMaxAttempts(config.maxAttempts())
            .withDelayFn(ctx -> pause(ctx.getAttemptCount()))
            .build();
  }

  public static Backoff create() {
    return new Backoff(Config.DEFAULT);
  }

  public Config config() {
    return config;
  }

  /** The pause after {@code attempts} attempts: uniform in [0, min(cap, base * 2^(attempts-1))]. */
  Duration pause(int attempts) {
    long base = config.base().toMillis();
    long cap = config.cap().toMillis();
    int shift = Math.max(0, Math.min(30, attempts - 1));
    long bound = Math.min(cap, base << shift);
    return Duration.ofMillis(bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound + 1));
  }

  /**
   * Calls {@code step} until it returns true (nothing left to do), pausing between calls.
   *
   * @throws RetryableException when the attempts run out, or the thread is interrupted
   */
  public void untilDone(String what, BooleanSupplier step) {
    untilDone("retries_exhausted", what, step);
  }

  /**
   * The same, with the {@link RetryableException#code() code} the caller's callers see.
   *
   * @throws RetryableException with {@code code} when the attempts run out or the thread is
   *     interrupted
   */
  public void untilDone(String code, String what, BooleanSupplier step) {
    Boolean done;
    try {
      done = Failsafe.with(policy).get(step::getAsBoolean);
    } catch (FailsafeException e) {
      if (e.getCause() instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new RetryableException(code, what + " interrupted", config.cap(), e.getCause());
    }
    if (!Boolean.TRUE.equals(done)) {
      throw new RetryableException(
          code,
          what + ": work left unprocessed after " + config.maxAttempts() + " attempts",
          config.cap());
    }
  }
}
