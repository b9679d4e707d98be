package dev.tally.app.regulation;

import dev.tally.core.error.RetryableException;
import dev.tally.core.regulation.Regulation;
import dev.tally.core.regulation.RegulationJob;
import dev.tally.core.regulation.RegulationState;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs regulations in the background, one at a time: {@link #submit} does the suppression before it
 * returns, then the deletion runs after {@code settle} (so a batch the aggregator was applying when
 * the person was suppressed has finished). A retryable failure is retried after 10 s; unfinished
 * regulations resume at start.
 */
public final class RegulationRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RegulationRunner.class);
  private final RegulationJob job;
  private final Duration settle;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "tally-regulations");
            t.setDaemon(true);
            return t;
          });

  public RegulationRunner(RegulationJob job, Duration settle) {
    this.job = job;
    this.settle = settle;
  }

  public void start() {
    executor.schedule(
        () -> {
          try {
            job.resumeAll();
          } catch (RuntimeException e) {
            LOG.warn("resuming regulations failed: {}", e.toString());
          }
        },
        settle.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  public RegulationJob job() {
    return job;
  }

  /** Saves and suppresses now; the deletion steps follow in the background. */
  public RegulationState submit(Regulation r) {
    RegulationState s = job.submit(r);
    schedule(r.id(), settle);
    return s;
  }

  private void schedule(String id, Duration delay) {
    executor.schedule(
        () -> {
          try {
            job.run(id);
          } catch (RetryableException e) {
            LOG.warn("regulation {} will be retried: {}", id, e.getMessage());
            schedule(id, Duration.ofSeconds(10));
          } catch (RuntimeException e) {
            LOG.error("regulation {} stopped", id, e);
          }
        },
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
