package dev.tally.ingest;

import java.util.List;

/**
 * Port: keeps the events ingest refused, with the reason, so a store's engineers can see what their
 * storefront sent wrong (the client got the same reason in its 4xx or in the batch's {@code
 * rejected} list). Best effort: a failure to keep never fails the request.
 */
public interface RejectedEvents {
  /** One refused call as received (truncated), and why. */
  record Rejected(int index, String messageId, String code, String reason, String json) {}

  void keep(String storeId, List<Rejected> rows);

  /** Keeps nothing. */
  static RejectedEvents none() {
    return (storeId, rows) -> {};
  }
}
