package dev.tally.query.http;

import dev.tally.core.event.Json;
import dev.tally.query.QueryRequest;
import dev.tally.query.QueryResponse;
import dev.tally.query.QueryService;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.util.HashMap;
import java.util.Map;

/** Mounts the query API ({@code GET /api/v1/*}) on a Javalin server. */
public final class QueryRoutes {
  private final QueryService service;

  public QueryRoutes(QueryService service) {
    this.service = service;
  }

  /**
   * A server with only the query API on a free loopback port, started: for benchmarks and tools
   * that ask the API over HTTP.
   */
  public static Javalin loopback(QueryService service) {
    return Javalin.create(
            c -> {
              c.jsonMapper(new JavalinJackson(Json.mapper(), false));
              c.jetty.host = "127.0.0.1";
              c.jetty.port = 0;
              c.startup.showJavalinBanner = false;
              new QueryRoutes(service).register(c);
            })
        .start();
  }

  public void register(JavalinConfig config) {
    config.routes.get("/api/v1/<rest>", this::handle);
  }

  private void handle(Context ctx) {
    Map<String, String> query = new HashMap<>();
    ctx.queryParamMap().forEach((k, v) -> query.put(k, v.isEmpty() ? "" : v.get(0)));
    QueryResponse r =
        service.handle(
            new QueryRequest(
                "GET", ctx.path(), query, ctx.header("Authorization"), ctx.header("Accept")));
    r.headers().forEach(ctx::header);
    ctx.header("Cache-Control", "no-store");
    if (r.csv() != null) {
      ctx.status(r.status()).contentType(r.contentType()).result(r.csv());
    } else {
      ctx.status(r.status()).json(r.body());
    }
  }
}
