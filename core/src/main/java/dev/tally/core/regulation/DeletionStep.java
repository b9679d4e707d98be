package dev.tally.core.regulation;

import dev.tally.core.store.Store;

/**
 * One step of a deletion job. Every step is idempotent: running it again after it finished, or
 * after a crash half way, changes nothing more. Throws {@link
 * dev.tally.core.error.RetryableException} when its backend is unavailable (the job stops and
 * resumes later); any other exception fails the regulation with the message shown on its status.
 */
public interface DeletionStep {
  String name();

  Outcome run(RegulationState state, Store store);

  /** Whether this step is part of the deletion {@code r} asks for (most steps always are). */
  default boolean appliesTo(Regulation r) {
    return true;
  }

  /** The state to save (a step may add ids or days) and one line on what was done. */
  record Outcome(RegulationState state, String detail) {}
}
