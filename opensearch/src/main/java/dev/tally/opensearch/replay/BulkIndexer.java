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
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.opensearch.client.opensearch.generic.Body;

/**
 * Sends documents in bulk requests of at most {@code maxBytes}. After a request only the items that
 * failed with 429 or 5xx are sent again (with {@link Backoff}: full jitter, a cap, a bounded number
 * of attempts), as is the whole request when it failed as a whole; an item refused for good (a
 * mapping failure, any other 4xx) goes to the bad-rows file and the replay goes on.
 *
 * <p>Up to {@code concurrency} requests are in flight on worker threads while the caller fills the
 * next one. Requests are settled in the order they were sent, on the caller's thread: what {@link
 * #whenIndexed} hands over runs only once every request sent before it has finished, whatever order
 * the server answers in. Not thread-safe: one caller.
 */
final class BulkIndexer implements AutoCloseable {
  private final OpenSearch os;
  private final long maxBytes;
  private final Backoff backoff;
  private final BadRows badRows;
  private final Stats stats;
  private final int concurrency;
  private final Runnable afterRequest;
  private final ExecutorService workers;
  private final List<Op> buffer = new ArrayList<>();
  private final List<Runnable> bufferThen = new ArrayList<>();
  private final Deque<InFlight> inFlight = new ArrayDeque<>();
  private long bufferBytes;

  /** A request sent, and what to run on the caller's thread once it and all before it are done. */
  private record InFlight(Future<?> done, List<Runnable> then) {}

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
    this(os, maxBytes, backoff, badRows, stats, 1, () -> {});
  }

  /**
   * @param concurrency bulk requests in flight at most (at least 1)
   * @param afterRequest run on the caller's thread after each request is settled, after what {@link
   *     #whenIndexed} attached to it
   */
  BulkIndexer(
      OpenSearch os,
      long maxBytes,
      Backoff backoff,
      BadRows badRows,
      Stats stats,
      int concurrency,
      Runnable afterRequest) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1");
    }
    this.os = os;
    this.maxBytes = maxBytes;
    this.backoff = backoff;
    this.badRows = badRows;
    this.stats = stats;
    this.concurrency = concurrency;
    this.afterRequest = afterRequest;
    this.workers =
        Executors.newFixedThreadPool(
            concurrency,
            r -> {
              Thread t = new Thread(r, "bulk-indexer");
              t.setDaemon(true);
              return t;
            });
  }

  /** Buffers a document, sending the buffer first when the document would not fit. */
  void add(EventDocument doc) {
    Op op = Op.of(doc);
    if (!buffer.isEmpty() && bufferBytes + op.ndjson().length > maxBytes) {
      send();
    }
    buffer.add(op);
    bufferBytes += op.ndjson().length;
  }

  /**
   * Runs {@code then} on the caller's thread once every document added so far is indexed or in the
   * bad rows: after the request that will carry the buffer, or after the last request sent, or now.
   */
  void whenIndexed(Runnable then) {
    if (!buffer.isEmpty()) {
      bufferThen.add(then);
    } else if (!inFlight.isEmpty()) {
      inFlight.peekLast().then().add(then);
    } else {
      then.run();
    }
  }

  /** Sends everything buffered and waits until each item is indexed or written to the bad rows. */
  void flush() {
    send();
    while (!inFlight.isEmpty()) {
      settle(inFlight.pollFirst());
    }
  }

  /** Hands the buffer to a worker, first waiting for the oldest request when enough are out. */
  private void send() {
    if (buffer.isEmpty()) {
      return;
    }
    while (inFlight.size() >= concurrency) {
      settle(inFlight.pollFirst());
    }
    List<Op> pending = new ArrayList<>(buffer);
    List<Runnable> then = new ArrayList<>(bufferThen);
    buffer.clear();
    bufferThen.clear();
    bufferBytes = 0;
    inFlight.addLast(new InFlight(workers.submit(() -> sendUntilDone(pending)), then));
    // Settle what has finished meanwhile, so progress is saved without waiting for a full pipe.
    while (!inFlight.isEmpty() && inFlight.peekFirst().done().isDone()) {
      settle(inFlight.pollFirst());
    }
  }

  /** Waits for the oldest request; its failure is the caller's, unwrapped. */
  private void settle(InFlight f) {
    try {
      f.done().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableException(
          "retries_exhausted", "bulk indexing interrupted", Duration.ofSeconds(1), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } catch (CancellationException e) {
      throw new IllegalStateException("bulk request cancelled", e);
    }
    f.then().forEach(Runnable::run);
    afterRequest.run();
  }

  /** One batch, on a worker: sent until each item is indexed or a bad row. */
  private void sendUntilDone(List<Op> pending) {
    List<Op>[] left = new List[] {pending};
    backoff.untilDone(
        "bulk indexing " + pending.size() + " documents",
        () -> {
          try {
            left[0] = request(left[0]);
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

  /**
   * Stops the workers. After a failure the requests still out are abandoned: their documents are in
   * files not yet recorded as done, so a resumed replay sends them again.
   */
  @Override
  public void close() {
    workers.shutdownNow();
    try {
      workers.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One bulk request; returns the items to send again. */
  private List<Op> request(List<Op> ops) {
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
