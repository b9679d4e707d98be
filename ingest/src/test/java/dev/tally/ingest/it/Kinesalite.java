package dev.tally.ingest.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Kinesalite (a Kinesis emulator on Node) for ITs: installed once with npm into the git-ignored
 * {@code target/kinesalite}, started from a three-line script bound to 127.0.0.1 on a free port.
 */
final class Kinesalite implements AutoCloseable {
  private static final String VERSION = "3.3.3";
  private final Process process;
  final URI endpoint;

  private Kinesalite(Process process, URI endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  static Kinesalite start() throws IOException, InterruptedException {
    Path dir = Path.of("target", "kinesalite").toAbsolutePath();
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
