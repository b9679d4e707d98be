package dev.tally.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSearch 2.19, the one launcher of the ITs ({@link OpenSearchServer}) and the peers
 * benchmark: the integ-test zip from Maven Central, unpacked by the build, started as uid 65534
 * (OpenSearch refuses root) with {@code setpriv}, on 127.0.0.1 and free ports, single node, on the
 * running JDK; fresh data directory each time, removed at {@link #close()}.
 */
public final class OpenSearchNode implements AutoCloseable {
  private static final String NOBODY = "65534";

  private final Process process;
  private final URI url;
  private final Path work;

  private OpenSearchNode(Process process, URI url, Path work) {
    this.process = process;
    this.url = url;
    this.work = work;
  }

  /** The server's URL ({@code http://127.0.0.1:PORT}). */
  public URI baseUrl() {
    return url;
  }

  /** The server's processes (the JVM the start script became, and any children), for memory. */
  public List<Long> pids() {
    List<Long> out = new ArrayList<>();
    out.add(process.pid());
    process.descendants().forEach(h -> out.add(h.pid()));
    return out;
  }

  /**
   * Starts a server from the unpacked distribution {@code home} with {@code heap} ({@code -Xms} and
   * {@code -Xmx}, e.g. {@code 1g}); its data and logs go to a fresh directory beside the
   * distribution's parent (the build's {@code target/}). Green when this returns.
   */
  public static OpenSearchNode start(Path home, String heap) {
    if (!Files.isRegularFile(home.resolve("bin/opensearch"))) {
      throw new IllegalStateException(home + " is not an unpacked OpenSearch distribution");
    }
    try {
      Path target = home.toAbsolutePath().getParent().getParent();
      Path work = Files.createTempDirectory(target, "opensearch-run-");
      Path data = Files.createDirectories(work.resolve("data"));
      Path logs = Files.createDirectories(work.resolve("logs"));
      run("chown", "-R", NOBODY + ":" + NOBODY, home.toString(), work.toString());
      int http = freePort();
      int transport = freePort();
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  "setpriv",
                  "--reuid=" + NOBODY,
                  "--regid=" + NOBODY,
                  "--clear-groups",
                  "env",
                  "-i",
                  "PATH=/usr/bin:/bin",
                  "HOME=/tmp",
                  "OPENSEARCH_JAVA_HOME=" + System.getProperty("java.home"),
                  "OPENSEARCH_JAVA_OPTS=-Xms" + heap + " -Xmx" + heap,
                  home + "/bin/opensearch",
                  "-Ediscovery.type=single-node",
                  "-Enetwork.host=127.0.0.1",
                  "-Ehttp.port=" + http,
                  "-Etransport.port=" + transport,
                  "-Ecluster.name=tally-it-" + ProcessHandle.current().pid(),
                  "-Epath.data=" + data,
                  "-Epath.logs=" + logs,
                  "-Ecluster.routing.allocation.disk.threshold_enabled=false",
                  "-Eaction.auto_create_index=true"));
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("console.log").toFile())
              .start();
      URI url = URI.create("http://127.0.0.1:" + http);
      OpenSearchNode server = new OpenSearchNode(p, url, work);
      server.awaitGreen(Duration.ofSeconds(120));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitGreen(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String console = console();
        close();
        throw new IllegalStateException("OpenSearch exited: " + console);
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        url.resolve("/_cluster/health?wait_for_status=green&timeout=2s"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("\"green\"")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    close();
    throw new IllegalStateException(
        "OpenSearch was not green within " + timeout + ": " + console());
  }

  private String console() {
    try {
      String s = Files.readString(work.resolve("console.log"));
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return "(no console log)";
    }
  }

  @Override
  public void close() {
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    process.destroy();
    all.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
      }
      for (ProcessHandle h : all) {
        h.onExit().get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      // best effort
    }
    try {
      run("rm", "-rf", work.toString());
    } catch (IOException e) {
      // target/ is cleaned by the build anyway
    }
  }

  private static void run(String... cmd) throws IOException {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
