package dev.tally.aggregator;

import java.util.List;

/**
 * Port: the raw-event archive the aggregator writes before it acknowledges a batch (SQS mode, where
 * Firehose cannot read the log itself). Each record is one log entry exactly as the log carried it.
 * Implementations return the records they could not archive (the caller retries those and does not
 * acknowledge them) and throw only for a failure of the whole call, which also means: retry all.
 */
public interface Archive {
  /** One record to archive, with its id in the log. */
  record Item(String id, byte[] body) {}

  /** Archives {@code items}; returns the ids of those that were not archived. */
  List<String> put(List<Item> items);

  /** No archive: everything counts as archived. */
  static Archive none() {
    return items -> List.of();
  }
}
