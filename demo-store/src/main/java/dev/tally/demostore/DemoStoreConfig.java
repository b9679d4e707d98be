package dev.tally.demostore;

import java.net.URI;
import java.util.Objects;

/**
 * What the demo store needs from the app that hosts it, besides the {@link
 * dev.tally.core.item.ItemStore} its products, orders and outbox live in (handed in separately; the
 * engine creates its tables).
 *
 * @param tallyEndpoint Tally's API root, where the outbox relay posts {@code /v1/batch}
 * @param writeKey write key of the store's source in Tally (the demo pages use {@link
 *     #DEMO_WRITE_KEY})
 */
public record DemoStoreConfig(URI tallyEndpoint, String writeKey) {
  /** The write key the demo pages send with. */
  public static final String DEMO_WRITE_KEY = "demo_write_key";

  public DemoStoreConfig {
    Objects.requireNonNull(tallyEndpoint, "tallyEndpoint cannot be null");
    if (writeKey == null || writeKey.isBlank()) {
      throw new IllegalArgumentException("writeKey cannot be null or empty.");
    }
  }

  /** The demo write key, sending to {@code tallyEndpoint}. */
  public static DemoStoreConfig defaults(URI tallyEndpoint) {
    return new DemoStoreConfig(tallyEndpoint, DEMO_WRITE_KEY);
  }

  /** A copy sending to another endpoint (for a host whose port is known only once started). */
  public DemoStoreConfig withTallyEndpoint(URI endpoint) {
    return new DemoStoreConfig(endpoint, writeKey);
  }
}
