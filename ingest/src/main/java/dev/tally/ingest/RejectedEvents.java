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

  /**
   * Keeps them as one warning log line each (the Lambda's CloudWatch Logs, where the ingest
   * function may write without a grant on the metrics table), the call's JSON cut at 2 KB.
   */
  static RejectedEvents logged() {
    org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("dev.tally.ingest.rejected");
    return (storeId, rows) -> {
      for (Rejected r : rows) {
        String json = r.json() == null ? "" : r.json();
        log.warn(
            "rejected store={} messageId={} code={} reason={} json={}",
            storeId,
            r.messageId(),
            r.code(),
            r.reason(),
            json.length() > 2_048 ? json.substring(0, 2_048) + "…" : json);
      }
    };
  }
}
