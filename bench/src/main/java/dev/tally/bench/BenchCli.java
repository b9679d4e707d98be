package dev.tally.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The benchmarks' own entry point ({@code bench/target/tally-bench.jar}): the {@code ./tally}
 * launcher routes {@code ./tally bench …} here, so the peers' jars never enter the app's jar.
 */
@Command(
    name = "tally",
    mixinStandardHelpOptions = true,
    version = "tally 0.1.0",
    subcommands = {BenchCommand.class})
public final class BenchCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCli()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
