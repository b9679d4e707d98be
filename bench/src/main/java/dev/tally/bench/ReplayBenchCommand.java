package dev.tally.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.app.cli.LocalData;
import dev.tally.app.sim.TallyClient;
import dev.tally.app.stack.DemoStore;
import dev.tally.app.stack.EmbeddedStack;
import dev.tally.app.stack.StackConfig;
import dev.tally.core.sim.Workload;
import dev.tally.core.store.StoreRegistry;
import dev.tally.opensearch.archive.LocalArchive;
import dev.tally.opensearch.index.IndexNames;
import dev.tally.opensearch.index.OpenSearch;
import dev.tally.opensearch.replay.Replay;
import dev.tally.opensearch.replay.ReplayConfig;
import dev.tally.opensearch.replay.ReplaySummary;
import dev.tally.opensearch.verify.EngineFigures;
import dev.tally.opensearch.verify.OpenSearchFigures;
import dev.tally.opensearch.verify.Verify;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tally bench replay}: the standard 30-day workload through the embedded stack (HTTP import,
 * aggregator, archiver) into a temporary data directory, then {@code replay opensearch} of the
 * whole archive and {@code verify} of the 30 days against an OpenSearch at {@code --url}.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description =
        "Replay throughput (events/s) into OpenSearch and verify's time for 30 days, on the"
            + " standard workload (1,000 users, 200 products, 30 days, 100,000 events).")
public final class ReplayBenchCommand implements Callable<Integer> {
  @Option(names = "--url", required = true, description = "OpenSearch, e.g. http://127.0.0.1:9200")
  URI url;

  @Option(
      names = "--events",
      defaultValue = "100000",
      description = "events (default: ${DEFAULT-VALUE})")
  int events;

  @Option(
      names = "--bulk-mb",
      defaultValue = "5",
      description = "bulk size (default: ${DEFAULT-VALUE})")
  double bulkMb;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "replays, each into fresh indexes (default: ${DEFAULT-VALUE})")
  int runs;

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("tally-bench-replay-");
    try {
      LocalDate last = LocalDate.now(ZoneOffset.UTC).minusDays(1);
      Workload w = new Workload(42, 1_000, 200, 30, events, last);
      List<ObjectNode> generated = w.generate();
      System.out.printf(
          "Sending %,d events (30 days) through the embedded stack…%n", generated.size());
      EmbeddedStack stack =
          EmbeddedStack.start(
              StackConfig.defaults()
                  .withPort(0)
                  .withDataDir(dir)
                  .withArchiveRoll(Duration.ofHours(1)),
              Map.of());
      TallyClient client = new TallyClient(stack.baseUri());
      for (int i = 0; i < generated.size(); i += 500) {
        HttpResponse<String> r =
            client.batch(
                DemoStore.WRITE_KEY,
                generated.subList(i, Math.min(generated.size(), i + 500)),
                true);
        if (r.statusCode() != 200) {
          System.err.println("import refused: " + r.statusCode() + " " + r.body());
          stack.close();
          return 1;
        }
      }
      stack.drain(Duration.ofMinutes(5));
      stack.close(); // the archiver writes what is left
      try (LocalData local = LocalData.open(dir).orElseThrow();
          OpenSearch os = OpenSearch.connect(url)) {
        StoreRegistry stores = local.stores();
        for (int run = 1; run <= runs; run++) {
          IndexNames names = new IndexNames("bench" + System.currentTimeMillis());
          ReplaySummary s =
              new Replay(
                      new LocalArchive(dir.resolve("archive")),
                      os,
                      id -> stores.find(id).orElseThrow(),
                      ReplayConfig.defaults(dir.resolve("replay-" + run))
                          .withNames(names)
                          .withBulkBytes((long) (bulkMb * 1024 * 1024)),
                      new Replay.Listener() {})
                  .run(url.toString());
          os.refresh(names.pattern());
          long indexed = os.count(names.pattern());
          System.out.printf(
              "replay run %d: %,d events in %.1f s = %,.0f events/s (%d bulk requests of %.0f MB, %,d documents)%n",
              run,
              s.eventsIndexed(),
              s.elapsed().toMillis() / 1000.0,
              s.eventsPerSecond(),
              s.bulkRequests(),
              bulkMb,
              indexed);
          long t0 = System.nanoTime();
          Verify.Report r =
              Verify.run(
                  new EngineFigures(stores, local.metrics(), 4, "embedded engine in " + dir),
                  new OpenSearchFigures(os, names),
                  url.toString(),
                  DemoStore.ID,
                  last.minusDays(29),
                  last,
                  20);
          System.out.printf(
              "verify run %d: 30 days, %d figures, %s in %.2f s%n",
              run,
              r.rows().size(),
              r.equal() ? "EQUAL" : "DIFFERENT",
              (System.nanoTime() - t0) / 1e9);
          os.call("DELETE", "/" + names.pattern(), Map.of(), null);
          if (!r.equal()) {
            System.out.print(Verify.format(r));
            return 1;
          }
        }
      }
      return 0;
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
