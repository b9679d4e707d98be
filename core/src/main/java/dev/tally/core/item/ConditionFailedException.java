package dev.tally.core.item;

import dev.tally.core.error.TallyException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An atomic write was refused because at least one condition did not hold; nothing was written.
 * {@link #failed()} lists the indexes (in the call's order) whose conditions failed, and {@link
 * #current(int)} the item as it was at such an index, when it existed.
 */
public final class ConditionFailedException extends TallyException {
  private final List<Integer> failed;
  private final Map<Integer, Item> current;

  public ConditionFailedException(List<Integer> failed, Map<Integer, Item> current) {
    super("condition_failed", "condition failed at write " + failed);
    this.failed = List.copyOf(failed);
    this.current = Map.copyOf(current);
  }

  public List<Integer> failed() {
    return failed;
  }

  public Optional<Item> current(int index) {
    return Optional.ofNullable(current.get(index));
  }
}
