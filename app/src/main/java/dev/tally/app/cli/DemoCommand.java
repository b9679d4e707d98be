package dev.tally.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.app.sim.DemoHistory;
import dev.tally.app.sim.StoreShoppers;
import dev.tally.app.sim.TallyClient;
import dev.tally.app.stack.DemoStore;
import dev.tally.app.stack.EmbeddedStack;
import dev.tally.hooks.Outbox;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tally demo}: {@code up}, plus sixty days of believable history on the demo store's catalog
 * and simulated shoppers walking the demo store's real HTTP endpoints, so the dashboards open full.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start the local stack and fill it with a small shop's history.",
      "The history (60 days by default; about 2-3% of visitors buying, busier weekends and",
      "evenings, several traffic sources) goes through the real HTTP API; then simulated shoppers",
      "browse the demo store, sometimes sign in and place real orders (revenue comes from the",
      "store's server-side outbox hook)."
    })
public final class DemoCommand implements Callable<Integer> {
  @Mixin StackOptions options;

  @Option(
      names = "--days",
      defaultValue = "60",
      description = "days of history, today included (default: ${DEFAULT-VALUE})")
  int days;

  @Option(
      names = "--visits",
      defaultValue = "120",
      description = "visits on an average weekday (default: ${DEFAULT-VALUE})")
  int visits;

  @Option(
      names = "--shoppers",
      defaultValue = "10",
      description = "simulated store shoppers (default: ${DEFAULT-VALUE}; 0 for none)")
  int shoppers;

  @Option(
      names = "--seed",
      description = "seed of the shoppers' choices (default: random, so a rerun adds new visits)")
  Long seed;

  @Option(
      names = "--no-wait",
      description = "exit after the workload instead of serving until Ctrl-C")
  boolean noWait;

  @Override
  public Integer call() throws Exception {
    if (days < 1 || days > 365 || visits < 1 || visits > 100_000) {
      System.err.println("--days must be 1-365 and --visits 1-100000.");
      return 2;
    }
    EmbeddedStack stack = UpCommand.start(options, false);
    Instant now = Instant.now();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    List<StoreShoppers.Product> catalog =
        new StoreShoppers(
                stack.baseUri(), DemoStore.WRITE_KEY, java.net.http.HttpClient.newHttpClient())
            .catalog();
    List<DemoHistory.Product> products =
        catalog.stream()
            .map(p -> new DemoHistory.Product(p.id(), p.title(), p.artist(), p.price()))
            .toList();
    List<ObjectNode> generated =
        new DemoHistory(7, days, visits, now, products, stack.baseUri()).generate();
    TallyClient client = new TallyClient(stack.baseUri());
    try (ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("Sending demo events")
            .setInitialMax(generated.size())
            .setStyle(ProgressBarStyle.ASCII)
            .setUnit(" events", 1)
            .build()) {
      for (int i = 0; i < generated.size(); i += 100) {
        List<ObjectNode> slice = generated.subList(i, Math.min(generated.size(), i + 100));
        // History older than ingest's live window goes through /v1/import, as a backfill would.
        HttpResponse<String> r = client.batch(DemoStore.WRITE_KEY, slice, true);
        if (r.statusCode() != 200) {
          System.err.println("The API refused a batch: " + r.statusCode() + " " + r.body());
          stack.close();
          return 1;
        }
        bar.stepBy(slice.size());
      }
    }
    if (shoppers > 0) {
      StoreShoppers.Summary walked = walkShoppers(stack);
      System.out.println(
          "Shoppers: "
              + walked.shoppers()
              + " visits, "
              + walked.events()
              + " events, "
              + walked.orders()
              + " orders for $"
              + walked.revenue()
              + (walked.soldOut() > 0 ? " (" + walked.soldOut() + " found a print sold out)" : ""));
    }
    System.out.print("Aggregating… ");
    boolean drained =
        awaitOutbox(stack, Duration.ofSeconds(30)) && stack.drain(Duration.ofSeconds(60));
    System.out.println(drained ? "done." : "still working (numbers will keep filling in).");
    String base = stack.baseUri().toString();
    String user =
        generated.stream()
            .filter(e -> e.hasNonNull("userId"))
            .map(e -> e.get("userId").asText())
            .findFirst()
            .orElse(generated.get(0).get("anonymousId").asText());
    System.out.println();
    System.out.println(
        "Sent " + generated.size() + " events for the last " + days + " days. See them:");
    System.out.println(
        "  Dashboards  " + base + "/dashboards/   (read key " + DemoStore.READ_KEY + ")");
    System.out.println("  Demo store  " + base + "/store/");
    System.out.println(
        "  curl -H 'Authorization: Bearer "
            + DemoStore.READ_KEY
            + "' '"
            + base
            + "/api/v1/users/"
            + user
            + "/metrics?from="
            + today.minusDays(Math.min(days, 30) - 1L)
            + "&to="
            + today
            + "'");
    if (noWait) {
      stack.close();
      return 0;
    }
    System.out.println();
    System.out.println("Press Ctrl-C to stop.");
    UpCommand.awaitShutdown(stack);
    return 0;
  }

  /**
   * The shoppers' orders reach Tally through the store's outbox relay: wait until it sent them all.
   */
  private static boolean awaitOutbox(EmbeddedStack stack, Duration timeout)
      throws InterruptedException {
    Outbox outbox = Outbox.create(stack.engine().shop());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!outbox.pending(1).isEmpty()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }

  private StoreShoppers.Summary walkShoppers(EmbeddedStack stack) throws Exception {
    StoreShoppers walk =
        new StoreShoppers(
            stack.baseUri(),
            DemoStore.WRITE_KEY,
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    long s = seed != null ? seed : new SecureRandom().nextLong();
    try (ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("Shoppers in the store")
            .setInitialMax(shoppers)
            .setStyle(ProgressBarStyle.ASCII)
            .setUnit(" shoppers", 1)
            .build()) {
      return walk.run(shoppers, s, i -> bar.step());
    }
  }
}
