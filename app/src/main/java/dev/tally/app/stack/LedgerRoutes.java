package dev.tally.app.stack;

import dev.tally.http.LedgerApi;
import dev.tally.http.RegulationApi;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;

/** {@code GET /admin/v1/ledger} on the local server: a thin wrapper over {@link LedgerApi}. */
final class LedgerRoutes {
  private final LedgerApi api;

  LedgerRoutes(LedgerApi api) {
    this.api = api;
  }

  void register(JavalinConfig config) {
    config.routes.get(LedgerApi.PATH, this::show);
  }

  private void show(Context ctx) {
    Map<String, String> query = new HashMap<>();
    ctx.queryParamMap().forEach((k, v) -> query.put(k, v.isEmpty() ? null : v.get(0)));
    RegulationApi.Answer a = api.show(ctx.header("Authorization"), query);
    ctx.status(a.status()).json(a.body());
  }
}
