package dev.tally.opensearch;

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
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real OpenSearch 2.19 for the ITs: the integ-test zip the build unpacked in {@code
 * pre-integration-test} ({@code tally.opensearch.home}), started once per test JVM as uid 65534
 * (OpenSearch refuses root) with {@code setpriv}, on 127.0.0.1 and free ports, single node, 512 MB
 * heap, on the running JDK; fresh data directory each time, removed at the end. Use it as
 * {@code @ExtendWith(OpenSearchServer.class)} and {@link #url()}.
 */
public final class OpenSearchServer
    implements BeforeAllCallback, ExtensionContext.Store.CloseableResource {
  private static final String NOBODY = "65534";
  private static OpenSearchServer running;

  private final Process process;
  private final URI url;
  private final Path work;

  private OpenSearchServer(Process process, URI url, Path work) {
    this.process = process;
    this.url = url;
    this.work = work;
  }

  /** JUnit's no-argument constructor: a handle that starts the shared server on first use. */
  public OpenSearchServer() {
    this(null, null, null);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    synchronized (OpenSearchServer.class) {
      if (running == null) {
        running = start();
        // Closed when the root context closes: after the last test class of this JVM.
        context
            .getRoot()
            .getStore(ExtensionContext.Namespace.GLOBAL)
            .put("tally-opensearch", running);
      }
    }
  }

  /** The server's URL ({@code http://127.0.0.1:PORT}). */
  public static URI url() {
    if (running == null) {
      throw new IllegalStateException("add @ExtendWith(OpenSearchServer.class) to the test class");
    }
    return running.url;
  }

  static OpenSearchServer start() {
    String home = System.getProperty("tally.opensearch.home");
    if (home == null || !Files.isDirectory(Path.of(home))) {
      throw new IllegalStateException(
          "tally.opensearch.home is not an unpacked OpenSearch ("
              + home
              + "); run the ITs with"
              + " ./mvnw -pl opensearch -am verify, which unpacks it in pre-integration-test");
    }
    try {
      Path target = Path.of(home).getParent().getParent();
      Path work = Files.createTempDirectory(target, "opensearch-run-");
      Path data = Files.createDirectories(work.resolve("data"));
      Path logs = Files.createDirectories(work.resolve("logs"));
      run("chown", "-R", NOBODY + ":" + NOBODY, home, work.toString());
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
                  "OPENSEARCH_JAVA_OPTS=-Xms512m -Xmx512m",
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
      OpenSearchServer server = new OpenSearchServer(p, url, work);
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
    if (process == null) {
      return;
    }
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
