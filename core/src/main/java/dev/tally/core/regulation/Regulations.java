package dev.tally.core.regulation;

import java.util.List;
import java.util.Optional;

/**
 * Port: regulations and their progress. Throws {@link dev.tally.core.error.RetryableException} when
 * the backing store is unavailable.
 */
public interface Regulations {
  void save(RegulationState state);

  Optional<RegulationState> find(String id);

  /** Regulations not yet done or failed, to resume after a restart. */
  List<RegulationState> unfinished();
}
