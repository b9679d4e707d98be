package dev.tally.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tally replay}: copies the raw-event archive into another system. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = "Replay the raw-event archive into another system.",
    subcommands = {ReplayOpenSearchCommand.class})
public final class ReplayCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
