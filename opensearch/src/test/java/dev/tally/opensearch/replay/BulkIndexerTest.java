package dev.tally.opensearch.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bulk indexer against a scripted {@code _bulk} endpoint on loopback: only the items answered
 * 429 or 5xx are sent again, a failed request is sent again whole, a 400 item goes to the bad rows
 * and the rest goes on, and requests stay under the byte limit.
 */
class BulkIndexerTest {
  @TempDir Path dir;
  HttpServer server;
  final List<List<String>> requests = new ArrayList<>();
  final List<Integer> requestBytes = new ArrayList<>();

  /** Status per document id for its next answers; absent: 201. */
  final Map<String, List<Integer>> script = new HashMap<>();

  int wholeRequestFailures;
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
          byte[] out;
          int status = 200;
          if (wholeRequestFailures > 0) {
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
        });
    server.start();
    os = OpenSearch.connect(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
  }

  @AfterEach
  void stop() {
    os.close();
    server.stop(0);
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

  @Test
  void onlyItemsAnswered429or5xx_areSentAgain_andA400IsABadRow() throws Exception {
    List<EventDocument> docs = docs(6);
    script.put(docs.get(1).id(), List.of(429, 429));
    script.put(docs.get(3).id(), List.of(503));
    script.put(docs.get(4).id(), List.of(400));
    BulkIndexer.Stats stats = new BulkIndexer.Stats();
    try (BadRows bad = new BadRows(dir.resolve("bad.jsonl"))) {
      BulkIndexer b = indexer(bad, stats, 1 << 20);
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
    try (BadRows bad = new BadRows(dir.resolve("bad.jsonl"))) {
      BulkIndexer b = indexer(bad, stats, 1 << 20);
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
    try (BadRows bad = new BadRows(dir.resolve("bad.jsonl"))) {
      BulkIndexer b = indexer(bad, stats, 8 * 1024);
      docs.forEach(b::add);
      b.flush();
    }
    assertThat(requests.size()).isGreaterThan(5);
    assertThat(requestBytes).allMatch(n -> n <= 8 * 1024);
    assertThat(requests.stream().mapToInt(List::size).sum()).isEqualTo(200);
  }
}
