package dev.tally.app.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar over bytes read, on stderr, for the commands that read the raw-event archive. */
class ByteProgressBar implements AutoCloseable {
  private final String task;
  private final boolean quiet;
  private ProgressBar bar;

  /**
   * @param quiet no bar at all ({@code --no-progress})
   */
  ByteProgressBar(String task, boolean quiet) {
    this.task = task;
    this.quiet = quiet;
  }

  /** Shows the bar at {@code doneBytes} of {@code totalBytes} (done by an earlier run). */
  void start(long totalBytes, long doneBytes) {
    if (quiet) {
      return;
    }
    boolean large = totalBytes >= 10_000_000;
    bar =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(Math.max(1, totalBytes))
            .setUnit(large ? " MB" : " KB", large ? 1_000_000 : 1_000)
            .setStyle(ProgressBarStyle.ASCII)
            .showSpeed()
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .build();
    bar.stepTo(doneBytes);
  }

  void step(long bytes) {
    if (bar != null) {
      bar.stepBy(bytes);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
