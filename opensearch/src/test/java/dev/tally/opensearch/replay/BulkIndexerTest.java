package dev.tally.opensearch.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.tally.core.error.TallyException;
import dev.tally.core.event.Json;
import dev.tally.core.retry.Backoff;
import dev.tally.core.store.Store;
import dev.tally.opensearch.Workload;
import dev.tally.opensearch.index.EventDocument;
import dev.tally.opensearch.index.IndexNames;
import dev.tally.opensearch.index.OpenSearch;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bulk indexer against a scripted {@code _bulk} endpoint on loopback: only the items answered
 * 429 or 5xx are sent again, a failed request is sent again whole, a 400 item goes to the bad rows
 * and the rest goes on, requests stay under the byte limit, and with requests in flight what waits
 * for a document runs only once every request up to the one carrying it has succeeded.
 */
class BulkIndexerTest {
  @TempDir Path dir;
  HttpServer server;
  final ExecutorService handlers = Executors.newCachedThreadPool();
  final List<List<String>> requests = Collections.synchronizedList(new ArrayList<>());
  final List<Integer> requestBytes = Collections.synchronizedList(new ArrayList<>());

  /** Status per document id for its next answers; absent: 201. */
  final Map<String, List<Integer>> script = new ConcurrentHashMap<>();

  /** A request holding one of these ids is answered only once its latch is open. */
  final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();

  /** A request holding one of these ids is refused whole with a 400. */
  final Set<String> refuseWhole = ConcurrentHashMap.newKeySet();

  /** Ids of the requests answered, in the order they were answered. */
  final List<List<String>> answered = Collections.synchronizedList(new ArrayList<>());

  volatile int wholeRequestFailures;
  OpenSearch os;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/_bulk",
        x -> {
          byte[] body = x.getRequestBody().readAllBytes();
          requestBytes.add(body.length);
          List<String> ids = new ArrayList<>();
          try (BufferedReader r =
              new BufferedReader(
                  new InputStreamReader(
                      new java.io.ByteArrayInputStream(body), StandardCharsets.UTF_8))) {
            String action;
            while ((action = r.readLine()) != null) {
              r.readLine();
              ids.add(Json.mapper().readTree(action).path("index").path("_id").asText());
            }
          }
          requests.add(ids);
          for (String id : ids) {
            CountDownLatch hold = holds.get(id);
            if (hold != null) {
              try {
                hold.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
          byte[] out;
          int status = 200;
          if (ids.stream().anyMatch(refuseWhole::contains)) {
            status = 400;
            out =
                "{\"error\":{\"reason\":\"refused\"},\"status\":400}"
                    .getBytes(StandardCharsets.UTF_8);
          } else if (wholeRequestFailures > 0) {
            wholeRequestFailures--;
            status = 503;
            out =
                "{\"error\":{\"reason\":\"busy\"},\"status\":503}".getBytes(StandardCharsets.UTF_8);
          } else {
            ObjectNode resp = Json.mapper().createObjectNode();
            resp.put("took", 1);
            ArrayNode items = resp.putArray("items");
            boolean errors = false;
            for (String id : ids) {
              List<Integer> s = script.getOrDefault(id, List.of());
              int itemStatus = s.isEmpty() ? 201 : s.get(0);
              if (!s.isEmpty()) {
                script.put(id, s.subList(1, s.size()));
              }
              ObjectNode item = items.addObject().putObject("index");
              item.put("_id", id).put("status", itemStatus);
              if (itemStatus >= 300) {
                errors = true;
                item.putObject("error")
                    .put(
                        "type",
                        itemStatus == 400
                            ? "mapper_parsing_exception"
                            : "es_rejected_execution_exception")
                    .put("reason", "scripted");
              } else {
                item.put("result", "created");
              }
            }
            resp.put("errors", errors);
            out = Json.mapper().writeValueAsBytes(resp);
          }
          x.getResponseHeaders().add("Content-Type", "application/json");
          x.sendResponseHeaders(status, out.length);
          x.getResponseBody().write(out);
          x.close();
          answered.add(ids);
        });
    // Requests are answered concurrently, so a later one can finish before an earlier one.
    server.setExecutor(handlers);
    server.start();
    os = OpenSearch.connect(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
  }

  @AfterEach
  void stop() {
    os.close();
    server.stop(0);
    handlers.shutdownNow();
  }

  List<EventDocument> docs(int n) {
    Workload w = new Workload(5, "b");
    Store store = Store.of("s1", "UTC", "USD", List.of());
    List<EventDocument> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          EventDocument.of(
              IndexNames.defaults(),
              store,
              w.page("a" + i, null, Instant.parse("2026-11-30T10:00:00Z"), "/", null)));
    }
    return out;
  }

  BulkIndexer indexer(BadRows bad, BulkIndexer.Stats stats, long maxBytes) {
    return new BulkIndexer(
        os, maxBytes, new Backoff(new Backoff.Config(5, Duration.ZERO, Duration.ZERO)), bad, stats);
  }

  /** One document per request (any document is over the limit), two requests in flight. */
  BulkIndexer pipelined(BadRows bad, BulkIndexer.Stats stats, List<String> log) {
    return new BulkIndexer(
        os,
        1,
        new Backoff(new Backoff.Config(5, Duration.ZERO, Duration.ZERO)),
        bad,
        stats,
        2,
        () -> log.add("request"));
  }

  @Test
  void whatWaitsForALaterRequest_runsOnlyAfterAnEarlierSlowerOneSucceeds() throws Exception {
    List<EventDocument> docs = docs(3);
    CountDownLatch release = new CountDownLatch(1);
    holds.put(docs.get(0).id(), release);
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    BulkIndexer.Stats stats = new BulkIndexer.Stats();
    try (BadRows bad = new BadRows(dir.resolve("bad.jsonl"));
        BulkIndexer b = pipelined(bad, stats, log)) {
      b.add(docs.get(0));
      b.whenIndexed(() -> log.add("file a"));
      b.add(docs.get(1)); // sends docs[0], held by the server
      b.whenIndexed(() -> log.add("file b"));
      b.add(docs.get(2)); // sends docs[1], answered at once: two in flight
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (answered.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(answered).containsExactly(List.of(docs.get(1).id()));
      b.whenIndexed(() -> log.add("file c"));
      assertThat(log).as("nothing is done while the first request is out").isEmpty();

      release.countDown();
      b.flush();
    }
    assertThat(log).containsExactly("file a", "request", "file b", "request", "file c", "request");
    assertThat(stats.created.get()).isEqualTo(3);
  }

  @Test
  void aFailedEarlierRequest_keepsWhatWaitsForALaterOneFromRunning() {
    List<EventDocument> docs = docs(3);
    refuseWhole.add(docs.get(0).id());
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    try (BadRows bad = new BadRows(dir.resolve("bad.jsonl"));
        BulkIndexer b = pipelined(bad, new BulkIndexer.Stats(), log)) {
      b.add(docs.get(0));
      b.add(docs.get(1)); // sends docs[0], refused
      b.whenIndexed(() -> log.add("file a"));
      b.add(docs.get(2)); // sends docs[1], indexed
      b.whenIndexed(() -> log.add("file b"));
      assertThatThrownBy(b::flush).isInstanceOf(TallyException.class).hasMessageContaining("400");
    }
    assertThat(log).isEmpty();
  }

  @Test
  void whatWaitsWhenNothingIsBufferedOrOut_runsAtOnce() {
    List<String> log = new ArrayList<>();
    try (BadRows bad = new BadRows(dir.resolve("bad.jsonl"));
        BulkIndexer b = pipelined(bad, new BulkIndexer.Stats(), log)) {
      b.whenIndexed(() -> log.add("empty file"));
      assertThat(log).containsExactly("empty file");
    }
  }

  @Test
  void onlyItemsAnswered429or5xx_areSentAgain_andA400IsABadRow() throws Exception {
    List<EventDocument> docs = docs(6);
    script.put(docs.get(1).id(), List.of(429, 429));
    script.put(docs.get(3).id(), List.of(503));
    script.put(docs.get(4).id(), List.of(400));
    BulkIndexer.Stats stats = new BulkIndexer.Stats();
    try (BadRows bad = new BadRows(dir.resolve("bad.jsonl"));
        BulkIndexer b = indexer(bad, stats, 1 << 20)) {
      docs.forEach(b::add);
      b.flush();
      assertThat(bad.count()).isEqualTo(1);
    }
    assertThat(requests).hasSize(3);
    assertThat(requests.get(1)).containsExactly(docs.get(1).id(), docs.get(3).id());
    assertThat(requests.get(2)).containsExactly(docs.get(1).id());
    assertThat(stats.created.get()).isEqualTo(5);
    assertThat(stats.retriedItems.get()).isEqualTo(3);
    JsonNode row = Json.mapper().readTree(Files.readAllLines(dir.resolve("bad.jsonl")).get(0));
    assertThat(row.path("id").asText()).isEqualTo(docs.get(4).id());
    assertThat(row.path("error").path("type").asText()).isEqualTo("mapper_parsing_exception");
  }

  @Test
  void aRequestThatFailsWhole_isSentAgainWhole() {
    List<EventDocument> docs = docs(3);
    wholeRequestFailures = 2;
    BulkIndexer.Stats stats = new BulkIndexer.Stats();
    try (BadRows bad = new BadRows(dir.resolve("bad.jsonl"));
        BulkIndexer b = indexer(bad, stats, 1 << 20)) {
      docs.forEach(b::add);
      b.flush();
    }
    assertThat(requests).hasSize(3).allMatch(r -> r.size() == 3);
    assertThat(stats.created.get()).isEqualTo(3);
  }

  @Test
  void requestsStayUnderTheByteLimit() {
    List<EventDocument> docs = docs(200);
    BulkIndexer.Stats stats = new BulkIndexer.Stats();
    try (BadRows bad = new BadRows(dir.resolve("bad.jsonl"));
        BulkIndexer b = indexer(bad, stats, 8 * 1024)) {
      docs.forEach(b::add);
      b.flush();
    }
    assertThat(requests.size()).isGreaterThan(5);
    assertThat(requestBytes).allMatch(n -> n <= 8 * 1024);
    assertThat(requests.stream().mapToInt(List::size).sum()).isEqualTo(200);
  }
}
