package dev.tally.testkit.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A real HTTP receiver on 127.0.0.1 that stands in for Tally's ingest: records every body and, like
 * ingest, keeps each messageId only once. Scripted statuses let tests play 429/503/400.
 */
public final class TallyIngestStub implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A scripted answer: status plus an optional Retry-After. */
  public record Answer(int status, String retryAfter) {}

  private final HttpServer server;
  private final Deque<Answer> script = new ConcurrentLinkedDeque<>();
  private final List<String> bodies = new ArrayList<>();
  private final List<String> authorizations = new ArrayList<>();
  private final Map<String, JsonNode> unique = new LinkedHashMap<>();

  public TallyIngestStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/batch",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          Answer answer = script.isEmpty() ? new Answer(200, null) : script.poll();
          synchronized (this) {
            bodies.add(body);
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            if (answer.status() / 100 == 2) {
              for (JsonNode event : JSON.readTree(body).path("batch")) {
                unique.putIfAbsent(event.path("messageId").asText(), event); // ingest's 24 h dedup
              }
            }
          }
          if (answer.retryAfter() != null) {
            exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
          }
          byte[] reply =
              (answer.status() / 100 == 2 ? "{\"success\":true}" : "{\"error\":\"scripted\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(answer.status(), reply.length);
          exchange.getResponseBody().write(reply);
          exchange.close();
        });
    server.start();
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Answers the next requests with these statuses, then 200. */
  public void script(Answer... answers) {
    script.addAll(List.of(answers));
  }

  public synchronized List<String> bodies() {
    return List.copyOf(bodies);
  }

  public synchronized List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  /** Accepted events, one per messageId. */
  public synchronized Map<String, JsonNode> uniqueEvents() {
    return Map.copyOf(unique);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
