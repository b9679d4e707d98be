package dev.tally.ingest.http;

import dev.tally.core.error.PayloadTooLargeException;
import dev.tally.core.error.ValidationException;
import dev.tally.ingest.Endpoint;
import dev.tally.ingest.IngestHttp;
import dev.tally.ingest.IngestRequest;
import dev.tally.ingest.IngestService;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;

/**
 * Mounts the Segment-compatible tracking API ({@code /v1/*}) on a Javalin server. Trailing slashes
 * ({@code /v1/import/}, as Segment's Java client posts) match because Javalin ignores them by
 * default.
 */
public final class IngestRoutes {
  private final IngestHttp http;

  public IngestRoutes(IngestService service) {
    this.http = new IngestHttp(service);
  }

  public void register(JavalinConfig config) {
    config.router.ignoreTrailingSlashes = true;
    for (Endpoint endpoint : Endpoint.values()) {
      String path = "/v1/" + endpoint.name().toLowerCase(java.util.Locale.ROOT);
      config.routes.post(path, ctx -> handle(ctx, endpoint));
      config.routes.options(path, ctx -> send(ctx, IngestHttp.preflight(ctx.header("Origin"))));
    }
  }

  private void handle(Context ctx, Endpoint endpoint) {
    byte[] body;
    try {
      body = ctx.bodyAsBytes();
    } catch (HttpResponseException e) {
      // Javalin refuses bodies over its own limit before ingest sees them.
      Throwable mapped =
          e.getStatus() == 413
              ? new PayloadTooLargeException("request body is over the server's size limit")
              : new ValidationException("bad_request", e.getMessage());
      send(ctx, IngestHttp.failure(ctx.header("Origin"), mapped));
      return;
    }
    send(
        ctx,
        http.post(
            new IngestRequest(
                endpoint,
                body,
                ctx.header("Content-Type"),
                ctx.header("Content-Encoding"),
                ctx.header("Authorization"),
                ctx.header("Origin"))));
  }

  private static void send(Context ctx, IngestHttp.Answer a) {
    a.headers().forEach(ctx::header);
    ctx.status(a.status()).result(a.body());
  }
}
