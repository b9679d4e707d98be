package dev.tally.app.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.tally.app.sim.TallyClient;
import dev.tally.app.stack.DemoStore;
import dev.tally.app.stack.EmbeddedStack;
import dev.tally.app.stack.Routes;
import dev.tally.app.stack.StackConfig;
import dev.tally.core.event.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * What the browser tests share: Debian's headless Chromium, console-error capture, screenshots, API
 * reads.
 */
final class BrowserSupport {
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final int DESKTOP_WIDTH = 1400;
  static final int DESKTOP_HEIGHT = 900;
  static final int PHONE_WIDTH = 390;
  static final int PHONE_HEIGHT = 812;

  private BrowserSupport() {}

  /** Debian's Chromium (PLATFORM.md): Playwright downloads no browser of its own. */
  static Browser launch(Playwright playwright) {
    return playwright
        .chromium()
        .launch(
            new BrowserType.LaunchOptions()
                .setExecutablePath(Paths.get("/usr/bin/chromium"))
                .setHeadless(true)
                .setArgs(
                    List.of(
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run")));
  }

  /**
   * One class's fixture: the local stack with the dashboards and the demo store, seeded with {@code
   * events} through the real HTTP ingest and aggregated, and one headless browser.
   */
  record Session(EmbeddedStack stack, TallyClient client, Playwright playwright, Browser browser)
      implements AutoCloseable {
    static Session start(List<ObjectNode> events) throws IOException, InterruptedException {
      EmbeddedStack stack = EmbeddedStack.start(StackConfig.forTests(), Map.of(), Routes.all());
      TallyClient client = new TallyClient(stack.baseUri());
      for (int i = 0; i < events.size(); i += 100) {
        HttpResponse<String> r =
            client.batch(
                DemoStore.WRITE_KEY, events.subList(i, Math.min(events.size(), i + 100)), false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      assertThat(stack.drain(Duration.ofSeconds(60))).as("seed aggregated").isTrue();
      Playwright playwright = Playwright.create();
      return new Session(stack, client, playwright, launch(playwright));
    }

    URI base() {
      return stack.baseUri();
    }

    @Override
    public void close() {
      playwright.close();
      stack.close();
    }
  }

  static BrowserContext desktop(Browser browser) {
    return browser.newContext(
        new Browser.NewContextOptions().setViewportSize(DESKTOP_WIDTH, DESKTOP_HEIGHT));
  }

  static BrowserContext phone(Browser browser) {
    return browser.newContext(
        new Browser.NewContextOptions()
            .setViewportSize(PHONE_WIDTH, PHONE_HEIGHT)
            .setIsMobile(true)
            .setHasTouch(true)
            .setDeviceScaleFactor(2));
  }

  /** The store's "today": the demo store is in UTC, and the dashboards' presets end on it. */
  static LocalDate today() {
    return LocalDate.now(ZoneOffset.UTC);
  }

  /**
   * Console errors and uncaught exceptions of every page of a context. A test that provokes an
   * error on purpose (a refused key) names the exact message it expects; anything else fails.
   */
  static final class ConsoleErrors {
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<Pattern> expected = new ArrayList<>();

    void watch(BrowserContext context) {
      context.onPage(this::watch);
    }

    void watch(Page page) {
      page.onConsoleMessage(
          m -> {
            if ("error".equals(m.type())) {
              errors.add(m.text() + " @ " + m.location());
            }
          });
      page.onPageError(e -> errors.add("uncaught: " + e));
    }

    /** Allows errors matching {@code regex}; each allowance must be explained where it is made. */
    void expect(String regex) {
      expected.add(Pattern.compile(regex, Pattern.DOTALL));
    }

    List<String> unexpected() {
      return errors.stream()
          .filter(e -> expected.stream().noneMatch(p -> p.matcher(e).find()))
          .toList();
    }

    List<String> all() {
      return List.copyOf(errors);
    }
  }

  static Path screenshot(Page page, String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path file = SCREENSHOTS.resolve(name + ".png");
    page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
    return file;
  }

  /** Opens the dashboards with the demo read key already entered and waits for the view's data. */
  static Page openDashboard(BrowserContext context, URI base, String query) {
    // Init scripts run in every frame, about:blank included, where sessionStorage is off limits.
    context.addInitScript(
        "if (location.pathname.startsWith('/dashboards/')) sessionStorage.setItem('tally.readKey', '"
            + DemoStore.READ_KEY
            + "')");
    Page page = context.newPage();
    page.navigate(base.resolve("/dashboards/" + (query.isEmpty() ? "" : "?" + query)).toString());
    waitForDashboard(page);
    return page;
  }

  /**
   * Waits for the app to be signed in and for the KPI tiles and the visible view to leave
   * "loading".
   */
  static void waitForDashboard(Page page) {
    page.waitForSelector("[data-testid=app][data-state=ready]");
    page.waitForSelector("[data-testid=kpi-panel]:not([data-state=loading])");
    page.waitForSelector("section.view:not([hidden]) .view-body:not([data-state=loading])");
  }

  static String raw(Page page, String testid) {
    return page.getAttribute("[data-testid=" + testid + "]", "data-raw");
  }

  static String state(Page page, String css) {
    return page.getAttribute(css, "data-state");
  }

  /** GETs a query-API path with the demo read key; fails the test unless it answers 200. */
  static JsonNode api(TallyClient client, String pathAndQuery) {
    try {
      HttpResponse<String> r = client.get(pathAndQuery, DemoStore.READ_KEY);
      assertThat(r.statusCode()).as("GET %s: %s", pathAndQuery, r.body()).isEqualTo(200);
      return Json.mapper().readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Like {@link #api} but answers null unless the API answers 200 (for polling). */
  static JsonNode tryApi(TallyClient client, String pathAndQuery) {
    try {
      HttpResponse<String> r = client.get(pathAndQuery, DemoStore.READ_KEY);
      return r.statusCode() == 200 ? Json.mapper().readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A number of the API's JSON: money comes as an exact decimal string, counts as numbers. */
  static java.math.BigDecimal decimal(JsonNode n) {
    return n.isTextual() ? new java.math.BigDecimal(n.asText()) : n.decimalValue();
  }

  static String range(LocalDate from, LocalDate to) {
    return "from=" + from + "&to=" + to;
  }
}
