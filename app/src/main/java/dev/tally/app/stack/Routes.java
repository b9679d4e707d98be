package dev.tally.app.stack;

import dev.tally.demostore.DemoStore;
import dev.tally.demostore.DemoStoreConfig;
import dev.tally.demostore.DemoStoreRoutes;
import dev.tally.hooks.OutboxRelay;
import io.javalin.http.staticfiles.Location;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The optional route modules of the local server: dashboards and the demo store. */
public final class Routes {
  private Routes() {}

  public static List<Consumer<EmbeddedStack.Context>> all() {
    List<Consumer<EmbeddedStack.Context>> out = new ArrayList<>();
    out.add(Routes::dashboards);
    out.add(Routes::demoStore);
    return out;
  }

  /** The demo art-print shop at /store/, reporting through the SDK and the outbox hook. */
  static void demoStore(EmbeddedStack.Context ctx) {
    DemoStoreConfig placeholder = DemoStoreConfig.defaults(URI.create("http://127.0.0.1/"));
    DemoStore.setUp(ctx.shop());
    new DemoStoreRoutes(ctx.shop(), placeholder).register(ctx.http());
    // The relay posts to this server, whose port is known only once it has started.
    ctx.onStarted()
        .accept(
            base -> {
              OutboxRelay relay =
                  DemoStore.startRelay(ctx.shop(), placeholder.withTallyEndpoint(base));
              ctx.onClose().accept(relay);
            });
  }

  /** The merchant dashboards, static files from the dashboards module's jar. */
  static void dashboards(EmbeddedStack.Context ctx) {
    if (Routes.class.getResource("/dashboards/index.html") == null) {
      return;
    }
    ctx.http()
        .staticFiles
        .add(
            sf -> {
              sf.hostedPath = "/dashboards";
              sf.directory = "/dashboards";
              sf.location = Location.CLASSPATH;
            });
    ctx.http().routes.get("/", c -> c.redirect("/dashboards/"));
  }

  public static List<String> bannerLines(String base) {
    List<String> lines = new ArrayList<>();
    if (Routes.class.getResource("/dashboards/index.html") != null) {
      lines.add(
          "Dashboards    "
              + base
              + "/dashboards/   (read key: "
              + dev.tally.app.stack.DemoStore.READ_KEY
              + ")");
    }
    if (Routes.class.getResource("/store/index.html") != null) {
      lines.add("Demo store    " + base + "/store/");
    }
    return lines;
  }
}
