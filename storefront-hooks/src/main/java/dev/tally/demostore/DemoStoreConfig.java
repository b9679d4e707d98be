package dev.tally.demostore;

import java.net.URI;
import java.util.Objects;

/**
 * What the demo store needs from the app that hosts it.
 *
 * @param productsTable table of products ({@code pk=PRODUCT#<id>}, {@code sk=PRODUCT}, {@code
 *     stock})
 * @param ordersTable table of orders ({@code pk=ORDER#<id>}, {@code sk=ORDER}) and of their outbox
 * @param tallyEndpoint Tally's API root, where the outbox relay posts {@code /v1/batch}
 * @param writeKey write key of the store's source in Tally (the demo pages use {@link
 *     #DEMO_WRITE_KEY})
 */
public record DemoStoreConfig(
    String productsTable, String ordersTable, URI tallyEndpoint, String writeKey) {
  /** The write key the demo pages send with. */
  public static final String DEMO_WRITE_KEY = "demo_write_key";

  public DemoStoreConfig {
    productsTable = notBlank(productsTable, "productsTable");
    ordersTable = notBlank(ordersTable, "ordersTable");
    Objects.requireNonNull(tallyEndpoint, "tallyEndpoint cannot be null");
    writeKey = notBlank(writeKey, "writeKey");
  }

  /** Tables {@code demo-products} / {@code demo-orders} and the demo write key. */
  public static DemoStoreConfig defaults(URI tallyEndpoint) {
    return new DemoStoreConfig("demo-products", "demo-orders", tallyEndpoint, DEMO_WRITE_KEY);
  }

  private static String notBlank(String v, String name) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(name + " cannot be null or empty.");
    }
    return v;
  }
}
