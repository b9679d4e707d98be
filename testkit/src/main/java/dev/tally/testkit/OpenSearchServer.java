package dev.tally.testkit;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The ITs' OpenSearch: one {@link OpenSearchNode} per test JVM, from the distribution the build
 * unpacked in {@code pre-integration-test} ({@code tally.opensearch.home}), 512 MB heap, stopped
 * after the JVM's last test class. Use it as {@code @ExtendWith(OpenSearchServer.class)} and {@link
 * #url()}.
 */
public final class OpenSearchServer implements BeforeAllCallback {
  private static final String HEAP = "512m";
  private static OpenSearchNode running;

  @Override
  public void beforeAll(ExtensionContext context) {
    synchronized (OpenSearchServer.class) {
      if (running == null) {
        OpenSearchNode node = OpenSearchNode.start(home(), HEAP);
        running = node;
        // Closed when the root context closes: after the last test class of this JVM.
        context
            .getRoot()
            .getStore(ExtensionContext.Namespace.GLOBAL)
            .put("tally-opensearch", (ExtensionContext.Store.CloseableResource) node::close);
      }
    }
  }

  /** The server's URL ({@code http://127.0.0.1:PORT}). */
  public static URI url() {
    if (running == null) {
      throw new IllegalStateException("add @ExtendWith(OpenSearchServer.class) to the test class");
    }
    return running.baseUrl();
  }

  private static Path home() {
    String home = System.getProperty("tally.opensearch.home");
    if (home == null || !Files.isDirectory(Path.of(home))) {
      throw new IllegalStateException(
          "tally.opensearch.home is not an unpacked OpenSearch ("
              + home
              + "); run the ITs with"
              + " ./mvnw -pl opensearch -am verify, which unpacks it in pre-integration-test");
    }
    return Path.of(home);
  }
}
