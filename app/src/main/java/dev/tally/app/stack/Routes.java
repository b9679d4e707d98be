package dev.tally.app.stack;

import io.javalin.http.staticfiles.Location;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The optional route modules of the local server: dashboards and the demo store. */
public final class Routes {
  private Routes() {}

  public static List<Consumer<EmbeddedStack.Context>> all() {
    List<Consumer<EmbeddedStack.Context>> out = new ArrayList<>();
    out.add(Routes::dashboards);
    return out;
  }

  /** The merchant dashboards, static files from the dashboards module's jar. */
  static void dashboards(EmbeddedStack.Context ctx) {
    if (Routes.class.getResource("/dashboards/index.html") == null) {
      return;
    }
    ctx.http().staticFiles.add(sf -> {
      sf.hostedPath = "/dashboards";
      sf.directory = "/dashboards";
      sf.location = Location.CLASSPATH;
    });
    ctx.http().routes.get("/", c -> c.redirect("/dashboards/"));
  }

  public static List<String> bannerLines(String base) {
    List<String> lines = new ArrayList<>();
    if (Routes.class.getResource("/dashboards/index.html") != null) {
      lines.add("Dashboards    " + base + "/dashboards/   (read key: " + DemoStore.READ_KEY + ")");
    }
    if (Routes.class.getResource("/store/index.html") != null) {
      lines.add("Demo store    " + base + "/store/");
    }
    return lines;
  }
}
