package dev.tally.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * s3rver (MIT; npm, pinned in testkit's {@code src/main/node/package-lock.json} beside dynalite and
 * installed by the testkit build), a real S3 protocol on 127.0.0.1 and a free port, with a fresh
 * directory; closed by the test. It accepts only its own credentials, {@link #CREDENTIALS}.
 */
public final class S3rver implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final URI endpoint;

  private S3rver(Process process, Path dir, URI endpoint) {
    this.process = process;
    this.dir = dir;
    this.endpoint = endpoint;
  }

  public static S3rver start() throws IOException, InterruptedException {
    Path bin = DynaliteFixture.nodeDir().resolve("node_modules/s3rver/bin/s3rver.js");
    if (!Files.exists(bin)) {
      throw new IllegalStateException(bin + " is missing: the testkit build's npm ci installs it");
    }
    Path dir = Files.createTempDirectory("s3rver-");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process p =
        new ProcessBuilder(
                System.getProperty(DynaliteFixture.NODE_PROPERTY, "node"),
                bin.toString(),
                "-d",
                dir.toString(),
                "-a",
                "127.0.0.1",
                "-p",
                "" + port,
                "--silent")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolveSibling(dir.getFileName() + ".log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return new S3rver(p, dir, URI.create("http://127.0.0.1:" + port));
      } catch (IOException e) {
        if (!p.isAlive()) {
          throw new IllegalStateException("s3rver exited");
        }
        Thread.sleep(100);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("s3rver did not listen on " + port);
  }

  private Path log() {
    return dir.resolveSibling(dir.getFileName() + ".log");
  }

  public URI endpoint() {
    return endpoint;
  }

  /** The only credentials s3rver accepts. */
  public static final AwsCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("S3RVER", "S3RVER"));

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      Files.deleteIfExists(log());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
