package dev.tally.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.app.sim.TallyClient;
import dev.tally.app.stack.DemoStore;
import dev.tally.core.event.Json;
import dev.tally.core.sim.Workload;
import dev.tally.opensearch.archive.ArchiveFile;
import dev.tally.opensearch.archive.ArchiveFilter;
import dev.tally.opensearch.archive.ArchiveReader;
import dev.tally.opensearch.archive.LocalArchive;
import dev.tally.opensearch.index.IndexNames;
import dev.tally.opensearch.index.OpenSearch;
import dev.tally.testkit.OpenSearchServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two data-engineer commands as other tools call them: the packaged {@code tally replay
 * opensearch} and {@code tally verify} run as processes against a real OpenSearch while the
 * packaged {@code tally up} keeps running on the same data directory; their exit codes are the
 * contract (verify: 0 equal, 1 different).
 */
@ExtendWith(OpenSearchServer.class)
class DataEngineerCommandsIT {
  @TempDir Path work;

  @Test
  void replayAndVerify_whileTallyUpRuns_thenADeletedDocumentMakesVerifyExitOne() throws Exception {
    assertThat(TallyProcess.JAR).as("built by the package phase").exists();
    Path data = work.resolve("data");
    int port = TallyProcess.freePort();
    Process up = TallyProcess.up(port, data, work.resolve("up.log"), "--archive-roll", "200ms");
    try {
      LocalDate last = LocalDate.now(ZoneOffset.UTC);
      List<ObjectNode> events = Workload.small(last).generate();
      TallyClient client = new TallyClient(URI.create("http://127.0.0.1:" + port));
      for (int i = 0; i < events.size(); i += 100) {
        HttpResponse<String> r =
            client.batch(
                DemoStore.WRITE_KEY, events.subList(i, Math.min(events.size(), i + 100)), true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      long activity =
          events.stream().filter(e -> e.path("type").asText().matches("track|page")).count();
      awaitCounted(client, last, activity);
      awaitArchived(data.resolve("archive"), events.size());

      String url = OpenSearchServer.url().toString();
      String from = last.minusDays(6).toString();
      String to = last.toString();
      Run replay =
          run("replay", "opensearch", "--url", url, "--data", data.toString(), "--no-progress");
      assertThat(replay.code()).as(replay.out()).isZero();
      assertThat(replay.out()).contains("Replay finished").contains("0 bad rows");
      try (OpenSearch os = OpenSearch.connect(OpenSearchServer.url())) {
        IndexNames names = IndexNames.defaults();
        os.refresh(names.pattern());
        assertThat(os.count(names.storeAlias(DemoStore.ID))).isEqualTo(events.size());

        Run equal =
            run(
                "verify",
                "--url",
                url,
                "--store",
                "demo",
                "--from",
                from,
                "--to",
                to,
                "--data",
                data.toString());
        assertThat(equal.code()).as(equal.out()).isZero();
        assertThat(equal.out()).contains("EQUAL");
        Run viaApi =
            run(
                "verify",
                "--url",
                url,
                "--store",
                "demo",
                "--from",
                from,
                "--to",
                to,
                "--api",
                "http://127.0.0.1:" + port,
                "--read-key",
                DemoStore.READ_KEY);
        assertThat(viaApi.code()).as(viaApi.out()).isZero();

        // Replaying again changes nothing: same ids.
        Run again =
            run(
                "replay",
                "opensearch",
                "--url",
                url,
                "--data",
                data.toString(),
                "--no-progress",
                "--restart");
        assertThat(again.code()).as(again.out()).isZero();
        assertThat(again.out()).contains("(0 new,");
        os.refresh(names.pattern());
        assertThat(os.count(names.storeAlias(DemoStore.ID))).isEqualTo(events.size());

        // One document deleted by hand: verify names the difference and exits 1.
        JsonNode hit =
            os.search(
                    names.storeAlias(DemoStore.ID),
                    Json.mapper().readTree("{\"size\":1,\"query\":{\"term\":{\"type\":\"page\"}}}"))
                .path("hits")
                .path("hits")
                .get(0);
        os.require(
            "DELETE",
            "/" + hit.path("_index").asText() + "/_doc/" + hit.path("_id").asText(),
            null);
        os.refresh(names.pattern());
        Run different =
            run(
                "verify",
                "--url",
                url,
                "--store",
                "demo",
                "--from",
                from,
                "--to",
                to,
                "--data",
                data.toString());
        assertThat(different.code()).as(different.out()).isEqualTo(1);
        assertThat(different.out()).contains("DIFFERENT").contains("pageViews");
        System.out.println(different.out());
      }
      Run help = run("replay", "opensearch", "--help");
      assertThat(help.code()).isZero();
      assertThat(help.out()).contains("--url").contains("--archive").contains("--from");
      assertThat(run("verify", "--help").out()).contains("--read-key").contains("--api");
      assertThat(run("verify", "--url", url, "--store", "demo").code()).isEqualTo(2);
      assertThat(up.isAlive()).as("tally up ran throughout").isTrue();
    } finally {
      up.destroy();
      up.waitFor(60, TimeUnit.SECONDS);
    }
  }

  record Run(int code, String out) {}

  private Run run(String... args) throws Exception {
    Path log = Files.createTempFile(work, "cmd-", ".log");
    Process p = TallyProcess.start(List.of(args), log);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("finished: " + String.join(" ", args)).isTrue();
    return new Run(p.exitValue(), Files.readString(log));
  }

  private static void awaitCounted(TallyClient client, LocalDate last, long expected)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    long counted = -1;
    while (System.nanoTime() < deadline) {
      JsonNode ts =
          Json.mapper()
              .readTree(
                  client
                      .get(
                          "/api/v1/timeseries?metric=events&interval=day&from="
                              + last.minusDays(7)
                              + "&to="
                              + last,
                          DemoStore.READ_KEY)
                      .body());
      counted = 0;
      for (JsonNode p : ts.path("points")) {
        counted += p.path("value").asLong();
      }
      if (counted >= expected) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("counted " + counted + " of " + expected + " events");
  }

  private static void awaitArchived(Path archive, long expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long found = -1;
    while (System.nanoTime() < deadline) {
      found = archivedEvents(archive);
      if (found >= expected) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("archived " + found + " of " + expected + " events");
  }

  private static long archivedEvents(Path archive) throws IOException {
    LocalArchive a = new LocalArchive(archive);
    long[] n = new long[1];
    List<ArchiveFile> files = new ArrayList<>(a.list(ArchiveFilter.all()));
    for (ArchiveFile f : files) {
      try (InputStream in = a.open(f)) {
        ArchiveReader.read(
            in,
            new ArchiveReader.Sink() {
              @Override
              public void entry(dev.tally.core.event.LogEntry entry, String line) {
                n[0] += entry.events().size();
              }

              @Override
              public void badLine(String line, String reason) {}
            },
            b -> {});
      }
    }
    return n[0];
  }
}
