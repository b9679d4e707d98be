package dev.tally.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Kinesalite (a Kinesis emulator on Node, MIT) for ITs: installed on first use with npm into the
 * git-ignored folder named by the system property {@value #DIR_PROPERTY} (default {@code
 * target/kinesalite} of the working directory), started from a three-line script bound to 127.0.0.1
 * on a free port. Close it when done.
 *
 * <p>SDK v2 clients must turn CBOR off to read records from it ({@code -Daws.cborEnabled=false});
 * the Flink Kinesis connector's shaded SDK v1 needs the environment variable {@code
 * AWS_CBOR_DISABLE=true}. The builds of the modules that use it set both.
 */
public final class Kinesalite implements AutoCloseable {
  public static final String DIR_PROPERTY = "tally.kinesalite.dir";
  private static final String VERSION = "3.3.3";
  private final Process process;
  private final URI endpoint;

  private Kinesalite(Process process, URI endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  /** Where the emulator listens. */
  public URI endpoint() {
    return endpoint;
  }

  public static Kinesalite start() throws IOException, InterruptedException {
    String configured = System.getProperty(DIR_PROPERTY);
    Path dir =
        (configured == null || configured.isBlank()
                ? Path.of("target", "kinesalite")
                : Path.of(configured))
            .toAbsolutePath();
    if (!Files.exists(dir.resolve("node_modules/kinesalite/package.json"))) {
      Files.createDirectories(dir);
      Process npm =
          new ProcessBuilder(
                  "npm",
                  "install",
                  "--no-audit",
                  "--no-fund",
                  "--prefix",
                  dir.toString(),
                  "kinesalite@" + VERSION)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("npm-install.log").toFile())
              .start();
      if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
        throw new IllegalStateException(
            "npm install kinesalite failed; see " + dir.resolve("npm-install.log"));
      }
    }
    Path script = dir.resolve("serve.js");
    Files.writeString(
        script,
        "const port = parseInt(process.argv[2], 10);\n"
            + "require('kinesalite')({createStreamMs: 50, deleteStreamMs: 50})\n"
            + "  .listen(port, '127.0.0.1', () => console.log('kinesalite listening on ' + port));\n");
    int port = freePort();
    Process node =
        new ProcessBuilder("node", script.toString(), Integer.toString(port))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("kinesalite.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new Kinesalite(node, URI.create("http://127.0.0.1:" + port));
      } catch (IOException notYet) {
        if (!node.isAlive()) {
          break;
        }
        Thread.sleep(100);
      }
    }
    node.destroyForcibly();
    throw new IllegalStateException(
        "kinesalite did not start; see " + dir.resolve("kinesalite.log"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
