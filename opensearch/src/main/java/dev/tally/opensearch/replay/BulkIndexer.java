package dev.tally.opensearch.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.error.RetryableException;
import dev.tally.core.event.Json;
import dev.tally.core.retry.Backoff;
import dev.tally.opensearch.index.EventDocument;
import dev.tally.opensearch.index.OpenSearch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.opensearch.client.opensearch.generic.Body;

/**
 * Sends documents in bulk requests of at most {@code maxBytes}. After a request only the items that
 * failed with 429 or 5xx are sent again (with {@link Backoff}: full jitter, a cap, a bounded number
 * of attempts), as is the whole request when it failed as a whole; an item refused for good (a
 * mapping failure, any other 4xx) goes to the bad-rows file and the replay goes on.
 */
final class BulkIndexer {
  private final OpenSearch os;
  private final long maxBytes;
  private final Backoff backoff;
  private final BadRows badRows;
  private final Stats stats;
  private final List<Op> buffer = new ArrayList<>();
  private long bufferBytes;

  /** Counters the summary reports. */
  static final class Stats {
    final AtomicLong created = new AtomicLong();
    final AtomicLong updated = new AtomicLong();
    final AtomicLong retriedItems = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong bytesSent = new AtomicLong();
  }

  /** One document as its two NDJSON lines. */
  record Op(EventDocument doc, byte[] ndjson) {
    static Op of(EventDocument d) {
      ObjectNode action = Json.mapper().createObjectNode();
      action.putObject("index").put("_index", d.index()).put("_id", d.id());
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        out.write(Json.mapper().writeValueAsBytes(action));
        out.write('\n');
        out.write(Json.mapper().writeValueAsBytes(d.source()));
        out.write('\n');
        return new Op(d, out.toByteArray());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  BulkIndexer(OpenSearch os, long maxBytes, Backoff backoff, BadRows badRows, Stats stats) {
    this.os = os;
    this.maxBytes = maxBytes;
    this.backoff = backoff;
    this.badRows = badRows;
    this.stats = stats;
  }

  /** Buffers a document; returns true when the buffer was sent first to make room. */
  boolean add(EventDocument doc) {
    Op op = Op.of(doc);
    boolean flushed = false;
    if (!buffer.isEmpty() && bufferBytes + op.ndjson().length > maxBytes) {
      flush();
      flushed = true;
    }
    buffer.add(op);
    bufferBytes += op.ndjson().length;
    return flushed;
  }

  boolean isEmpty() {
    return buffer.isEmpty();
  }

  /** Sends everything buffered until each item is indexed or written to the bad rows. */
  void flush() {
    if (buffer.isEmpty()) {
      return;
    }
    List<Op> pending = new ArrayList<>(buffer);
    buffer.clear();
    bufferBytes = 0;
    List<Op>[] left = new List[] {pending};
    backoff.untilDone(
        "bulk indexing " + pending.size() + " documents",
        () -> {
          try {
            left[0] = send(left[0]);
          } catch (RetryableException e) {
            stats.retriedItems.addAndGet(left[0].size());
            return false;
          }
          if (!left[0].isEmpty()) {
            stats.retriedItems.addAndGet(left[0].size());
          }
          return left[0].isEmpty();
        });
  }

  /** One bulk request; returns the items to send again. */
  private List<Op> send(List<Op> ops) {
    ByteArrayOutputStream body =
        new ByteArrayOutputStream((int) Math.min(maxBytes + 1024, 1 << 30));
    for (Op op : ops) {
      body.writeBytes(op.ndjson());
    }
    stats.requests.incrementAndGet();
    stats.bytesSent.addAndGet(body.size());
    OpenSearch.Reply reply =
        os.call("POST", "/_bulk", Map.of(), Body.from(body.toByteArray(), "application/x-ndjson"));
    if (reply.status() == 429 || reply.status() >= 500) {
      throw os.failure("bulk", reply);
    }
    if (!reply.ok()) {
      // The whole request was refused (malformed, too large): nothing in it can succeed as is.
      throw os.failure("bulk", reply);
    }
    JsonNode items = reply.body().path("items");
    if (items.size() != ops.size()) {
      throw new IllegalStateException(
          "bulk answered " + items.size() + " items for " + ops.size() + " documents");
    }
    List<Op> retry = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      JsonNode item = items.get(i).path("index");
      int status = item.path("status").asInt();
      Op op = ops.get(i);
      if (status >= 200 && status < 300) {
        if ("created".equals(item.path("result").asText())) {
          stats.created.incrementAndGet();
        } else {
          stats.updated.incrementAndGet();
        }
      } else if (status == 429 || status >= 500) {
        retry.add(op);
      } else {
        badRows.document(
            op.doc().index(), op.doc().id(), status, item.path("error"), op.doc().source());
      }
    }
    return retry;
  }
}
