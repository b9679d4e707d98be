package dev.tally.core.port;

import java.util.Collection;
import java.util.Set;

/**
 * Port: message ids a store has already published. Ingest checks before publishing and remembers
 * after, so a crash in between can only cause a duplicate on the log (which the aggregator
 * removes), never a loss. Implementations throw {@link dev.tally.core.error.RetryableException}
 * when unavailable.
 */
public interface DedupStore {
  /** The subset of {@code messageIds} already published for this store. */
  Set<String> seen(String storeId, Collection<String> messageIds);

  void remember(String storeId, Collection<String> messageIds);
}
