package dev.tally.app.stack;

import dev.tally.app.regulation.RegulationRunner;
import dev.tally.core.regulation.Regulations;
import dev.tally.http.AdminToken;
import dev.tally.http.RegulationApi;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

/**
 * {@code POST /admin/v1/regulations} (Segment's regulation body plus the store) and {@code GET
 * /admin/v1/regulations/{id}} (the status of each step), with the admin token: the shared {@link
 * RegulationApi} on Javalin; the runner deletes in the background.
 */
final class RegulationRoutes {
  private static final String PREFIX = RegulationApi.PATH + "/";
  private final RegulationApi api;

  RegulationRoutes(AdminToken admin, RegulationRunner runner, Regulations regulations) {
    this.api = new RegulationApi(admin, runner.job(), runner::submit, regulations);
  }

  void register(JavalinConfig config) {
    config.routes.post(
        RegulationApi.PATH,
        ctx -> answer(ctx, api.create(ctx.header("Authorization"), ctx.bodyAsBytes())));
    config.routes.get(
        PREFIX + "<id>",
        ctx ->
            answer(
                ctx, api.show(ctx.header("Authorization"), ctx.path().substring(PREFIX.length()))));
  }

  private static void answer(Context ctx, RegulationApi.Answer a) {
    ctx.status(a.status()).json(a.body());
  }
}
