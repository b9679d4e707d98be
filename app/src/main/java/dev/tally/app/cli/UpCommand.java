package dev.tally.app.cli;

import dev.tally.app.stack.DemoStore;
import dev.tally.app.stack.EmbeddedStack;
import dev.tally.app.stack.Routes;
import dev.tally.core.config.TallyConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tally up}: runs the whole pipeline locally until Ctrl-C. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description =
        "Start the whole pipeline locally: HTTP API, durable event log, aggregator and storage in one process.")
public final class UpCommand implements Callable<Integer> {
  @Mixin StackOptions options;

  @Override
  public Integer call() throws Exception {
    EmbeddedStack stack = start(options, true);
    awaitShutdown(stack);
    return 0;
  }

  /**
   * Starts the stack and prints where it is.
   *
   * @param serving whether the command keeps serving until Ctrl-C (the banner says so only then)
   */
  static EmbeddedStack start(StackOptions options, boolean serving) {
    requireFreePort(options.port);
    System.err.println("Starting Tally…");
    EmbeddedStack stack = EmbeddedStack.start(options.toConfig(), System.getenv(), Routes.all());
    printBanner(stack, options, serving);
    return stack;
  }

  /** Fails fast, in one line, when another process holds the port (instead of a bind trace). */
  static void requireFreePort(int port) {
    if (port == 0) {
      return;
    }
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new java.net.InetSocketAddress(port));
    } catch (java.io.IOException e) {
      throw new UserError(
          "Port "
              + port
              + " is already in use. Stop what uses it, or start on another port with --port N"
              + " (0 picks a free one).");
    }
  }

  static void printBanner(EmbeddedStack stack, StackOptions options, boolean serving) {
    String base = stack.baseUri().toString();
    System.out.println();
    System.out.println(
        "Tally is up at "
            + base
            + (options.inMemory ? " (in memory)" : " (data in " + options.data + "/)"));
    System.out.println();
    System.out.println("  Health        " + base + "/healthz");
    for (String line : Routes.bannerLines(base)) {
      System.out.println("  " + line);
    }
    System.out.println(
        "  Track API     "
            + base
            + "/v1/track   (Segment-compatible: track, page, identify, alias, batch, import)");
    System.out.println("  Query API     " + base + "/api/v1/…");
    System.out.println("  Metrics       " + base + "/metrics    (Prometheus)");
    System.out.println();
    System.out.println(
        "  Demo keys     store id="
            + DemoStore.ID
            + "  write key="
            + DemoStore.WRITE_KEY
            + "  read key="
            + DemoStore.READ_KEY);
    System.out.println(
        "  Admin token   "
            + stack.adminToken()
            + (TallyConfig.fromEnv(System.getenv()).adminToken().isEmpty()
                ? "   (generated; set TALLY_ADMIN_TOKEN to fix it)"
                : ""));
    System.out.println();
    System.out.println("Try (an event is counted within about a second of its 2xx):");
    System.out.println(
        "  curl -u "
            + DemoStore.WRITE_KEY
            + ": "
            + base
            + "/v1/track -H 'Content-Type: application/json' \\");
    System.out.println(
        "       -d '{\"userId\":\"u1\",\"event\":\"Product Viewed\",\"properties\":{\"product_id\":\"p1\"}}'");
    System.out.println(
        "  curl -H 'Authorization: Bearer "
            + DemoStore.READ_KEY
            + "' '"
            + base
            + "/api/v1/users/u1/metrics?from="
            + java.time.LocalDate.now(java.time.ZoneOffset.UTC)
            + "&to="
            + java.time.LocalDate.now(java.time.ZoneOffset.UTC)
            + "'");
    if (serving) {
      System.out.println();
      System.out.println("Press Ctrl-C to stop.");
    }
  }

  static void awaitShutdown(EmbeddedStack stack) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.err.println("Stopping Tally: counting what is left in the log…");
                  stack.close();
                  System.err.println("Stopped.");
                  stopped.countDown();
                }));
    stopped.await();
  }
}
