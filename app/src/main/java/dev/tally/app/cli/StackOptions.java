package dev.tally.app.cli;

import dev.tally.app.stack.StackConfig;
import dev.tally.core.config.TallyConfig;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options shared by the commands that start the local stack. */
final class StackOptions {
  @Option(
      names = "--port",
      description = "HTTP port (default: ${DEFAULT-VALUE}; 0 picks a free one)",
      defaultValue = "8080")
  int port;

  @Option(
      names = "--data",
      description = "where data is kept between runs (default: ${DEFAULT-VALUE})",
      defaultValue = "data")
  Path data;

  @Option(names = "--in-memory", description = "keep nothing on disk")
  boolean inMemory;

  @Option(
      names = "--archive-roll",
      description =
          "how often the raw-event archive under DATA/archive rolls a new file, e.g. 60s, 5m"
              + " (default: ${DEFAULT-VALUE})",
      defaultValue = "60s",
      converter = Durations.class)
  Duration archiveRoll;

  @Option(names = "--no-archive", description = "do not archive raw events under DATA/archive")
  boolean noArchive;

  StackConfig toConfig() {
    TallyConfig tally = TallyConfig.fromEnv(System.getenv());
    return StackConfig.defaults()
        .withShards(tally.shards())
        .withPort(port)
        .withDataDir(data)
        .withInMemory(inMemory)
        .withAdminToken(tally.adminToken().orElse(null))
        .withArchiveRoll(noArchive ? Duration.ZERO : archiveRoll);
  }
}
