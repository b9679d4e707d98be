package dev.tally.bench.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The dynalite DynamoDB emulator (npm, Apache-2.0) behind the testkit's transaction proxy ({@code
 * dynalite-tx.js}), started as a node child process for a benchmark and stopped by {@link #close()}
 * (or when this JVM exits: the script watches its stdin). In memory, on a free loopback port.
 *
 * <p>The node folder (script and {@code node_modules}, installed by the testkit module's build) is
 * found from, in order: the system property {@code tally.dynalite.dir}; {@code testkit/target/node}
 * beside the folder holding the app's jar; a {@code testkit/target/node} folder at or above the
 * working directory. The node binary is {@code node} on the PATH unless {@code tally.node} names
 * another.
 */
public final class DynaliteProcess implements AutoCloseable {
  public static final String DIR_PROPERTY = "tally.dynalite.dir";
  public static final String NODE_PROPERTY = "tally.node";
  private static final String SCRIPT = "dynalite-tx.js";

  private final Process process;
  private final URI endpoint;
  private final Path log;

  private DynaliteProcess(Process process, URI endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
  }

  /** The node folder, when the fixture has been installed. */
  public static Optional<Path> find() {
    for (Path p : candidates()) {
      if (Files.isRegularFile(p.resolve(SCRIPT))
          && Files.isDirectory(p.resolve("node_modules").resolve("dynalite"))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Where {@link #find()} looks, for error messages. */
  public static List<Path> candidates() {
    List<Path> tried = new ArrayList<>();
    String prop = System.getProperty(DIR_PROPERTY);
    if (prop != null && !prop.isBlank()) {
      tried.add(Paths.get(prop));
    }
    try {
      // app/target/tally.jar (or app/target/classes) -> <repo>/testkit/target/node
      Path here =
          Paths.get(
              DynaliteProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path repo = here.getParent().getParent().getParent();
      if (repo != null) {
        tried.add(repo.resolve("testkit").resolve("target").resolve("node"));
      }
    } catch (URISyntaxException | RuntimeException e) {
      // no usable code source: the working directory below still applies
    }
    for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
      tried.add(d.resolve("testkit").resolve("target").resolve("node"));
    }
    return tried;
  }

  /** Starts dynalite from {@code nodeDir}; returns once it listens. */
  public static DynaliteProcess start(Path nodeDir) {
    List<String> cmd =
        List.of(
            System.getProperty(NODE_PROPERTY, "node"),
            nodeDir.resolve(SCRIPT).toString(),
            "--port",
            "0",
            "--parent-watch");
    try {
      Path log = Files.createTempFile("tally-dynalite-", ".log");
      Process p =
          new ProcessBuilder(cmd)
              .directory(nodeDir.toFile())
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      if (first == null || !first.trim().matches("\\d+")) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "dynalite did not start (first line: " + first + "); see " + log);
      }
      Thread drain =
          new Thread(
              () -> {
                try {
                  while (out.readLine() != null) {
                    // nothing more is printed; keep the pipe empty anyway
                  }
                } catch (IOException ignored) {
                  // the process ended
                }
              },
              "dynalite-stdout");
      drain.setDaemon(true);
      drain.start();
      return new DynaliteProcess(p, URI.create("http://127.0.0.1:" + first.trim()), log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + cmd, e);
    }
  }

  /** Where the emulator listens. */
  public URI endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      // a temporary file; the OS cleans up
    }
  }
}
