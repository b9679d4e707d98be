package dev.tally.aggregator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The {@link Archive} fake: keeps records in memory; ids in {@link #failing} are refused. */
public final class InMemoryArchive implements Archive {
  private final List<Item> kept = new ArrayList<>();

  /** Ids to refuse, as a partially failed batch would. */
  public final Set<String> failing = new HashSet<>();

  /** When true, every call fails as a whole. */
  public boolean down;

  @Override
  public synchronized List<String> put(List<Item> items) {
    if (down) {
      throw new IllegalStateException("archive unavailable");
    }
    List<String> refused = new ArrayList<>();
    for (Item i : items) {
      if (failing.contains(i.id())) {
        refused.add(i.id());
      } else {
        kept.add(i);
      }
    }
    return refused;
  }

  public synchronized List<Item> kept() {
    return List.copyOf(kept);
  }
}
