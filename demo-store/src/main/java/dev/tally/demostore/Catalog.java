package dev.tally.demostore;

import dev.tally.core.item.Condition;
import dev.tally.core.item.ConditionFailedException;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The demo shop's 24 art prints. Prices live here, on the server, never in the browser. */
public final class Catalog {
  private static final Map<String, Product> PRODUCTS = new LinkedHashMap<>();

  static {
    add("Harbour at Dusk", "Mara Okafor", "48.00", 12);
    add("Quiet Orchard", "Lin Haruki", "35.50", 20);
    add("Northern Lines", "Sven Aalto", "62.00", 8);
    add("Saffron Tide", "Inés Carvalho", "29.99", 25);
    add("Paper Moons", "Theo Brandt", "41.25", 15);
    add("Copper Field", "Ada Mensah", "55.00", 10);
    add("Blue Hour Study", "Mara Okafor", "38.00", 18);
    add("Lantern Market", "Ravi Iyer", "44.90", 14);
    add("Salt and Cedar", "Elena Petrova", "52.00", 9);
    add("Glasshouse", "Lin Haruki", "33.00", 22);
    add("Fog Over Fells", "Sven Aalto", "47.50", 11);
    add("Terracotta Rhythm", "Inés Carvalho", "39.95", 16);
    add("Small Comet", "Theo Brandt", "24.00", 30);
    add("Riverbed Ochre", "Ada Mensah", "58.75", 7);
    add("Night Garden", "Ravi Iyer", "66.00", 5);
    add("Tessellated Sky", "Elena Petrova", "43.20", 13);
    add("Pale Meridian", "Mara Okafor", "36.40", 17);
    add("Kite Weather", "Lin Haruki", "27.50", 24);
    add("Iron Bloom", "Sven Aalto", "71.00", 4);
    add("Citrus Grid", "Inés Carvalho", "31.80", 21);
    add("Dune Sonata", "Theo Brandt", "49.00", 10);
    add("Moss Archive", "Ada Mensah", "53.60", 8);
    add("Signal Fires", "Ravi Iyer", "45.00", 12);
    add("Last Light, Lisbon", "Elena Petrova", "64.50", 6);
  }

  private Catalog() {}

  private static void add(String title, String artist, String price, int stock) {
    String id =
        title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    PRODUCTS.put(id, new Product(id, title, artist, new BigDecimal(price), stock));
  }

  /** All products, in catalog order. */
  public static List<Product> all() {
    return List.copyOf(PRODUCTS.values());
  }

  /** The product with this id, if the catalog has one. */
  public static Optional<Product> find(String id) {
    return Optional.ofNullable(id == null ? null : PRODUCTS.get(id));
  }

  /**
   * Writes each catalog product with its initial stock unless it already exists, so a restart never
   * resets stock that orders have consumed.
   *
   * @return how many products were written
   */
  public static int seedIfEmpty(ItemStore store) {
    int written = 0;
    for (Product p : PRODUCTS.values()) {
      try {
        store.write(List.of(ItemWrite.put(StoreItems.productItem(p), Condition.ABSENT)));
        written++;
      } catch (ConditionFailedException alreadySeeded) {
        // keep the live stock
      }
    }
    return written;
  }
}
