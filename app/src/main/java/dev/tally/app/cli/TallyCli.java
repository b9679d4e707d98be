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
    System.exit(commandLine().execute(args));
  }

  /**
   * The CLI with its error handling: a {@link UserError}, or a failure to bind a port, is one line
   * on stderr and exit code 2; anything else keeps picocli's report (with the stack trace).
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new TallyCli());
    CommandLine.IExecutionExceptionHandler fallback = cli.getExecutionExceptionHandler();
    cli.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UserError) {
              line.getErr().println("tally: " + t.getMessage());
              return 2;
            }
            if (t instanceof java.net.BindException) {
              line.getErr()
                  .println(
                      "tally: "
                          + t.getMessage()
                          + ": the port is in use. Pick another with --port N (0 picks a free"
                          + " one).");
              return 2;
            }
          }
          if (fallback != null) {
            return fallback.handleExecutionException(e, line, parsed);
          }
          throw e;
        });
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
