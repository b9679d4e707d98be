package dev.tally.app.stack;

import dev.tally.core.store.Store;
import dev.tally.core.store.StoreRegistry;
import java.util.List;

/** The demo store every local stack has: well-known keys, so the README's commands just work. */
public final class DemoStore {
  public static final String ID = "demo";
  public static final String WRITE_KEY = "demo_write_key";
  public static final String READ_KEY = "demo_read_key";

  private DemoStore() {}

  public static void ensure(StoreRegistry stores) {
    if (stores.find(ID).isEmpty()) {
      stores.create(Store.of(ID, "UTC", "USD", List.of()), WRITE_KEY, READ_KEY);
    }
  }
}
