package dev.tally.app;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The packaged {@code tally} command run as a process of its own, as a user would. */
final class TallyProcess {
  static final Path JAR = Path.of("target", "tally.jar");

  private TallyProcess() {}

  /**
   * Starts {@code tally up --port PORT --data DATA EXTRA…} with its output in {@code log}, and
   * returns once it says it is up.
   */
  static Process up(int port, Path data, Path log, String... extra)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(List.of("up", "--port", Integer.toString(port), "--data", data.toString()));
    args.addAll(List.of(extra));
    Process p = start(args, log);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains("Press Ctrl-C")) {
        return p;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("tally up exited: " + Files.readString(log));
      }
      Thread.sleep(100);
    }
    p.destroyForcibly();
    throw new IllegalStateException("tally up did not start: " + Files.readString(log));
  }

  /** Starts {@code java -jar tally.jar ARGS…} with stdout and stderr in {@code log}. */
  static Process start(List<String> args, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(JAR.toAbsolutePath().toString());
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
