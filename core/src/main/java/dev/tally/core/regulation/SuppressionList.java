package dev.tally.core.regulation;

import java.util.Collection;
import java.util.Set;

/**
 * Port: the people of a store whose events are dropped everywhere (ingest, the aggregator, rebuild,
 * replay). Only {@link SubjectHash hashes} of ids are stored. Methods throw {@link
 * dev.tally.core.error.RetryableException} when the backing store is unavailable.
 */
public interface SuppressionList {
  /** The ids among {@code ids} that are suppressed in {@code store}. */
  Set<String> suppressedAmong(String store, Collection<String> ids);

  void suppress(String store, Collection<String> ids);

  void unsuppress(String store, Collection<String> ids);

  /** Nobody is suppressed (for tests and tools that run without a list). */
  SuppressionList NONE =
      new SuppressionList() {
        @Override
        public Set<String> suppressedAmong(String store, Collection<String> ids) {
          return Set.of();
        }

        @Override
        public void suppress(String store, Collection<String> ids) {
          throw new UnsupportedOperationException("no suppression list configured");
        }

        @Override
        public void unsuppress(String store, Collection<String> ids) {
          throw new UnsupportedOperationException("no suppression list configured");
        }
      };
}
