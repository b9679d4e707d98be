package dev.tally.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tally bench}: repeatable benchmarks whose results go in BENCHMARKS.md. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Run a benchmark on this machine and print its results (see BENCHMARKS.md).",
    subcommands = {
      IngestBenchCommand.class,
      AggregateBenchCommand.class,
      QueryBenchCommand.class,
      EndToEndBenchCommand.class,
      ReplayBenchCommand.class,
      PeersBenchCommand.class
    })
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
