package dev.tally.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.app.sim.TallyClient;
import dev.tally.app.sim.Workload;
import dev.tally.app.stack.DemoStore;
import dev.tally.app.stack.EmbeddedStack;
import java.net.http.HttpResponse;
import java.time.Duration;
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

/** {@code tally demo}: {@code up}, plus a generated workload sent through the real HTTP API. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Start the local stack and send a generated week of shopping through the real HTTP API.")
public final class DemoCommand implements Callable<Integer> {
  @Mixin StackOptions options;

  @Option(names = "--events", defaultValue = "1500", description = "events to send (default: ${DEFAULT-VALUE})")
  int events;

  @Option(names = "--no-wait", description = "exit after the workload instead of serving until Ctrl-C")
  boolean noWait;

  @Override
  public Integer call() throws Exception {
    EmbeddedStack stack = UpCommand.start(options);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Workload w = new Workload(7, Math.max(20, events / 25), 24, 7, events, today);
    List<ObjectNode> generated = w.generate();
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
        HttpResponse<String> r = client.batch(DemoStore.WRITE_KEY, slice, false);
        if (r.statusCode() != 200) {
          System.err.println("The API refused a batch: " + r.statusCode() + " " + r.body());
          stack.close();
          return 1;
        }
        bar.stepBy(slice.size());
      }
    }
    System.out.print("Aggregating… ");
    boolean drained = stack.drain(Duration.ofSeconds(60));
    System.out.println(drained ? "done." : "still working (numbers will keep filling in).");
    String base = stack.baseUri().toString();
    String user =
        generated.stream()
            .filter(e -> e.hasNonNull("userId"))
            .map(e -> e.get("userId").asText())
            .findFirst()
            .orElse(generated.get(0).get("anonymousId").asText());
    System.out.println();
    System.out.println("Sent " + generated.size() + " events for the last 7 days. See them:");
    System.out.println("  curl -H 'Authorization: Bearer " + DemoStore.READ_KEY + "' '" + base
        + "/api/v1/users/" + user + "/metrics?from=" + today.minusDays(6) + "&to=" + today + "'");
    if (noWait) {
      stack.close();
      return 0;
    }
    UpCommand.awaitShutdown(stack);
    return 0;
  }
}
