package dev.tally.app.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** A minimal HTTP client of Tally's tracking and query APIs, for the demo, simulator and bench. */
public final class TallyClient {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;

  public TallyClient(URI base) {
    this.base = base;
  }

  /** Posts events to {@code /v1/batch} (or {@code /v1/import}); returns status and body. */
  public HttpResponse<String> batch(String writeKey, List<ObjectNode> events, boolean historical)
      throws IOException, InterruptedException {
    ObjectNode body = Json.mapper().createObjectNode();
    ArrayNode arr = body.putArray("batch");
    events.forEach(arr::add);
    return post(historical ? "/v1/import" : "/v1/batch", writeKey, body.toString());
  }

  public HttpResponse<String> post(String path, String writeKey, String body)
      throws IOException, InterruptedException {
    String auth =
        Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    return http.send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Authorization", "Basic " + auth)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String pathAndQuery, String readKey)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(base.resolve(pathAndQuery))
            .header("Authorization", "Bearer " + readKey)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
