package dev.tally.ingest.http;

import dev.tally.core.error.ApiError;
import dev.tally.core.error.PayloadTooLargeException;
import dev.tally.core.error.ValidationException;
import dev.tally.ingest.Endpoint;
import dev.tally.ingest.IngestRequest;
import dev.tally.ingest.IngestResponses;
import dev.tally.ingest.IngestResult;
import dev.tally.ingest.IngestService;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Mounts the Segment-compatible tracking API ({@code /v1/*}) on a Javalin server. */
public final class IngestRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(IngestRoutes.class);
  private final IngestService service;

  public IngestRoutes(IngestService service) {
    this.service = service;
  }

  public void register(JavalinConfig config) {
    for (String name : new String[] {"track", "page", "identify", "alias", "batch", "import"}) {
      Endpoint endpoint = Endpoint.of(name);
      config.routes.post("/v1/" + name, ctx -> handle(ctx, endpoint));
      config.routes.options("/v1/" + name, IngestRoutes::preflight);
    }
  }

  private void handle(Context ctx, Endpoint endpoint) {
    cors(ctx);
    try {
      byte[] body = ctx.bodyAsBytes();
      IngestResult r =
          service.handle(
              new IngestRequest(
                  endpoint,
                  body,
                  ctx.header("Content-Type"),
                  ctx.header("Content-Encoding"),
                  ctx.header("Authorization"),
                  ctx.header("Origin")));
      ctx.status(200).json(IngestResponses.success(r));
    } catch (HttpResponseException e) {
      Throwable mapped =
          e.getStatus() == 413
              ? new PayloadTooLargeException("request body is over the server's size limit")
              : new ValidationException("bad_request", e.getMessage());
      fail(ctx, mapped);
    } catch (RuntimeException e) {
      fail(ctx, e);
    }
  }

  private static void fail(Context ctx, Throwable t) {
    ApiError e = ApiError.of(t);
    if (e.status() >= 500) {
      LOG.error("ingest failed with {}", e.code(), t);
    }
    if (e.retryAfterSeconds() > 0) {
      ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
    }
    ctx.status(e.status()).json(IngestResponses.failure(t));
  }

  /** Write keys are public by design, so any origin may ask; stores restrict on the real call. */
  private static void preflight(Context ctx) {
    cors(ctx);
    ctx.header("Access-Control-Allow-Methods", "POST, OPTIONS");
    ctx.header("Access-Control-Allow-Headers", "Authorization, Content-Type, Content-Encoding");
    ctx.header("Access-Control-Max-Age", "86400");
    ctx.status(204);
  }

  private static void cors(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin != null) {
      ctx.header("Access-Control-Allow-Origin", origin);
      ctx.header("Vary", "Origin");
      ctx.header("Access-Control-Allow-Credentials", "true");
    }
  }
}
