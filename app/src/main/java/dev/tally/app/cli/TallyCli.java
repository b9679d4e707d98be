package dev.tally.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tally} command: runs the local stack, manages stores, simulates and benchmarks. */
@Command(
    name = "tally",
    mixinStandardHelpOptions = true,
    version = "tally 0.1.0",
    description = "Write-time analytics for online stores.",
    subcommands = {
      UpCommand.class,
      DemoCommand.class,
      StoresCommand.class,
      ReplayCommand.class,
      VerifyCommand.class,
      DlqCommand.class,
      RebuildCommand.class,
      RegulationsCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class TallyCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    if ("json".equalsIgnoreCase(System.getenv("TALLY_LOG_FORMAT"))) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
    System.exit(new CommandLine(new TallyCli()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
