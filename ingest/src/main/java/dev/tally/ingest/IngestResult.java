package dev.tally.ingest;

import java.util.List;

/**
 * What a tracking call did: accepted events (duplicates included, as they are already counted), how
 * many of those were duplicates, and the rejected ones with reasons.
 */
public record IngestResult(int accepted, int duplicates, List<Rejection> rejected, String storeId) {

  /** One rejected event of a batch. */
  public record Rejection(int index, String messageId, String code, String error) {}

  public IngestResult {
    rejected = List.copyOf(rejected);
  }
}
