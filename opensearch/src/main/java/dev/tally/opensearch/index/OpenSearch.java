package dev.tally.opensearch.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.error.RetryableException;
import dev.tally.core.error.TallyException;
import dev.tally.core.event.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.OpenSearchGenericClient;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.aws.AwsSdk2Transport;
import org.opensearch.client.transport.aws.AwsSdk2TransportOptions;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The adapter to one OpenSearch cluster, on the OpenSearch Java client (Apache HttpClient 5
 * transport, Jackson mapper). Requests go through the client's generic API with JSON built by
 * Jackson, so bulk bodies are sent byte for byte as they were sized. Failures are translated here:
 * connection errors, 429 and 5xx are {@link RetryableException}; other errors are {@link
 * TallyException} with code {@code opensearch_error}.
 */
public final class OpenSearch implements AutoCloseable {
  private final OpenSearchTransport transport;
  private final OpenSearchGenericClient client;
  private final String description;

  public OpenSearch(OpenSearchTransport transport, String description) {
    this.transport = transport;
    this.client = new OpenSearchClient(transport).generic();
    this.description = description;
  }

  /**
   * An Amazon OpenSearch Service domain at {@code endpoint} (its host), every request signed with
   * SigV4 by the default credentials (a Lambda's role).
   */
  public static OpenSearch aws(String endpoint, Region region) {
    return new OpenSearch(
        new AwsSdk2Transport(
            UrlConnectionHttpClient.create(),
            endpoint,
            "es",
            region,
            AwsSdk2TransportOptions.builder().setMapper(new JacksonJsonpMapper()).build()),
        "https://" + endpoint);
  }

  /**
   * Connects to {@code url} ({@code http(s)://[user:password@]host:port[/path]}); credentials in
   * the URL are sent as HTTP basic auth.
   */
  public static OpenSearch connect(URI url) {
    if (url.getScheme() == null || url.getHost() == null) {
      throw new IllegalArgumentException("--url '" + url + "' is not http(s)://host:port");
    }
    int port = url.getPort() > 0 ? url.getPort() : url.getScheme().equals("https") ? 443 : 9200;
    HttpHost host = new HttpHost(url.getScheme(), url.getHost(), port);
    ApacheHttpClient5TransportBuilder b =
        ApacheHttpClient5TransportBuilder.builder(host).setMapper(new JacksonJsonpMapper());
    if (url.getPath() != null && !url.getPath().isBlank() && !url.getPath().equals("/")) {
      b.setPathPrefix(url.getPath());
    }
    Optional<String[]> userInfo =
        Optional.ofNullable(url.getRawUserInfo()).map(u -> u.split(":", 2));
    b.setRequestConfigCallback(
        r ->
            r.setResponseTimeout(Timeout.ofSeconds(120))
                .setConnectionRequestTimeout(Timeout.ofSeconds(30)));
    b.setHttpClientConfigCallback(
        c -> {
          if (userInfo.isPresent()) {
            BasicCredentialsProvider creds = new BasicCredentialsProvider();
            String user = URLDecoder.decode(userInfo.get()[0], StandardCharsets.UTF_8);
            String pass =
                userInfo.get().length > 1
                    ? URLDecoder.decode(userInfo.get()[1], StandardCharsets.UTF_8)
                    : "";
            creds.setCredentials(
                new AuthScope(host), new UsernamePasswordCredentials(user, pass.toCharArray()));
            c.setDefaultCredentialsProvider(creds);
          }
          return c;
        });
    String shown = url.getScheme() + "://" + url.getHost() + ":" + port;
    return new OpenSearch(b.build(), shown);
  }

  public String describe() {
    return description;
  }

  /** The status and parsed JSON body of one call. */
  public record Reply(int status, JsonNode body) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** Sends a request and returns whatever came back, error statuses included. */
  public Reply call(String method, String path, Map<String, String> params, Body body) {
    var req = Requests.builder().method(method).endpoint(path).query(params);
    if (body != null) {
      req.body(body);
    }
    try (Response r = client.execute(req.build())) {
      JsonNode json = MissingNode.getInstance();
      Optional<Body> b = r.getBody();
      if (b.isPresent()) {
        try (InputStream in = b.get().body()) {
          byte[] bytes = in.readAllBytes();
          if (bytes.length > 0) {
            json = Json.mapper().readTree(bytes);
          }
        }
      }
      return new Reply(r.getStatus(), json);
    } catch (IOException e) {
      throw new RetryableException(
          "opensearch_unavailable",
          "OpenSearch at " + description + " did not answer: " + e.getMessage(),
          Duration.ofSeconds(1),
          e);
    }
  }

  /** As {@link #call}, but a status other than 2xx (or {@code allowed}) is thrown. */
  public JsonNode require(String method, String path, Object json, int... allowed) {
    Body body = null;
    if (json != null) {
      try {
        body = Body.from(Json.mapper().writeValueAsBytes(json), "application/json");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    Reply r = call(method, path, Map.of(), body);
    for (int a : allowed) {
      if (r.status() == a) {
        return r.body();
      }
    }
    if (!r.ok()) {
      throw failure(method + " " + path, r);
    }
    return r.body();
  }

  /** The exception for an error reply: retryable for 429 and 5xx. */
  public TallyException failure(String what, Reply r) {
    String reason = r.body().path("error").path("reason").asText(r.body().toString());
    String message = what + " failed with " + r.status() + ": " + reason;
    if (r.status() == 429 || r.status() >= 500) {
      return new RetryableException("opensearch_busy", message, Duration.ofSeconds(1));
    }
    return new TallyException("opensearch_error", message);
  }

  /** Installs (or updates) the index template; {@code replicas}: 0 for a single node. */
  public void putTemplate(IndexNames names, int replicas) {
    String text;
    try (InputStream in = OpenSearch.class.getResourceAsStream("tally-events-template.json")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    text = text.replace("__PATTERN__", names.pattern()).replace("__REPLICAS__", "" + replicas);
    try {
      require("PUT", "/_index_template/" + names.template(), Json.mapper().readTree(text));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Adds a filtered alias per store to each index (idempotent). */
  public void putStoreAliases(
      IndexNames names, Map<String, ? extends Iterable<String>> storesByIndex) {
    ObjectNode body = Json.mapper().createObjectNode();
    var actions = body.putArray("actions");
    storesByIndex.forEach(
        (index, stores) -> {
          for (String store : stores) {
            ObjectNode add = actions.addObject().putObject("add");
            add.put("index", index);
            add.put("alias", names.storeAlias(store));
            add.putObject("filter").putObject("term").put("store", store);
          }
        });
    if (!actions.isEmpty()) {
      require("POST", "/_aliases", body);
    }
  }

  /** Creates an index if it does not exist yet (the template gives it its mapping). */
  public void ensureIndex(String index) {
    require("PUT", "/" + index, Json.mapper().createObjectNode(), 400);
  }

  public void refresh(String target) {
    require("POST", "/" + target + "/_refresh", null, 404);
  }

  /** Documents in {@code target}; 0 when it does not exist. */
  public long count(String target) {
    JsonNode n = require("GET", "/" + target + "/_count", null, 404);
    return n.path("count").asLong(0);
  }

  /** A search; a missing target answers an empty result. */
  public JsonNode search(String target, JsonNode query) {
    JsonNode n = require("POST", "/" + target + "/_search", query, 404);
    return n;
  }

  /** The indices matching {@code pattern}. */
  public List<String> indices(String pattern) {
    Reply r = call("GET", "/_cat/indices/" + pattern, Map.of("format", "json"), null);
    if (r.status() == 404) {
      return List.of();
    }
    if (!r.ok()) {
      throw failure("GET /_cat/indices", r);
    }
    JsonNode n = r.body();
    List<String> out = new java.util.ArrayList<>();
    for (JsonNode i : n) {
      out.add(i.path("index").asText());
    }
    return out;
  }

  @Override
  public void close() {
    try {
      transport.close();
    } catch (IOException e) {
      // nothing to do: the process is done with it
    }
  }
}
