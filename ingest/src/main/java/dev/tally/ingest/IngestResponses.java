package dev.tally.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Json;
import dev.tally.http.ApiError;
import java.util.List;

/** JSON bodies of the tracking API, Segment-style ({@code success} first), for every transport. */
public final class IngestResponses {
  private IngestResponses() {}

  public static ObjectNode success(IngestResult r) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("success", true);
    n.put("accepted", r.accepted());
    n.put("duplicates", r.duplicates());
    n.set("rejected", rejections(r.rejected()));
    return n;
  }

  /** The error body; a batch with no valid event also lists each rejection. */
  public static ObjectNode failure(Throwable t) {
    ApiError e = ApiError.of(t);
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("success", false);
    n.setAll(e.toJson());
    if (t instanceof IngestService.BatchRejectedException b) {
      n.set("rejected", rejections(b.rejected()));
    }
    return n;
  }

  private static ArrayNode rejections(List<IngestResult.Rejection> rejected) {
    ArrayNode arr = Json.mapper().createArrayNode();
    for (var r : rejected) {
      ObjectNode o = arr.addObject();
      o.put("index", r.index());
      if (r.messageId() != null) {
        o.put("messageId", r.messageId());
      }
      o.put("code", r.code());
      o.put("error", r.error());
    }
    return arr;
  }
}
