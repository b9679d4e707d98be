package dev.tally.app.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.app.cli.TallyCli;
import dev.tally.app.sim.TallyClient;
import dev.tally.core.event.Json;
import dev.tally.core.sim.Workload;
import dev.tally.opensearch.archive.LocalArchive;
import dev.tally.opensearch.index.IndexNames;
import dev.tally.opensearch.index.OpenSearch;
import dev.tally.opensearch.regulation.ArchiveEvents;
import dev.tally.testkit.OpenSearchServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Deletion with the archive and a real OpenSearch: the person's documents are deleted, replaying
 * the archive again brings none back, and {@code tally verify} is clean in both modes: with {@code
 * subtract} the aggregates lose the person's part; by default they keep it (store figures
 * unchanged) and verify takes the kept-aggregates ledger into account.
 */
@ExtendWith(OpenSearchServer.class)
class RegulationOpenSearchIT {
  static final String STORE = "gdprshop";
  @TempDir Path data;

  record Run(int code, String out) {}

  @ParameterizedTest(name = "subtract={0}")
  @ValueSource(booleans = {false, true})
  void deletedPerson_leavesOpenSearch_replayBringsNothingBack_andVerifyIsClean(boolean subtract)
      throws Exception {
    String shop = STORE + (subtract ? "sub" : "keep");
    String url = OpenSearchServer.url().toString();
    try (EmbeddedStack stack =
        EmbeddedStack.start(
            StackConfig.forTests()
                .withInMemory(false)
                .withDataDir(data)
                .withArchiveRoll(Duration.ofMillis(200)),
            Map.of("TALLY_OPENSEARCH_URL", url))) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> created =
          http.send(
              HttpRequest.newBuilder(stack.baseUri().resolve("/admin/v1/stores"))
                  .header("Authorization", "Bearer test-admin-token")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + shop + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String writeKey = Json.mapper().readTree(created.body()).path("writeKey").asText();
      String readKey = Json.mapper().readTree(created.body()).path("readKey").asText();

      LocalDate last = LocalDate.now(ZoneOffset.UTC).minusDays(1);
      List<ObjectNode> all = new ArrayList<>(new Workload(9, 30, 10, 5, 800, last).generate());
      List<ObjectNode> person = RegulationDeletionIT.personEvents(last);
      all.addAll(all.size() / 3, person);
      TallyClient client = new TallyClient(stack.baseUri());
      for (int i = 0; i < all.size(); i += 200) {
        HttpResponse<String> r =
            client.batch(writeKey, all.subList(i, Math.min(all.size(), i + 200)), true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      assertThat(stack.drain(Duration.ofMinutes(2))).isTrue();
      awaitArchived(shop, all.size());

      String from = last.minusDays(6).toString();
      String to = last.toString();
      Run replay =
          run(
              "replay",
              "opensearch",
              "--url",
              url,
              "--data",
              data.toString(),
              "--store",
              shop,
              "--no-progress");
      assertThat(replay.code()).as(replay.out()).isZero();
      try (OpenSearch os = OpenSearch.connect(OpenSearchServer.url())) {
        os.refresh(IndexNames.defaults().pattern());
        assertThat(os.count(IndexNames.defaults().storeAlias(shop)))
            .as(replay.out())
            .isEqualTo(all.size());
      }
      Run before = verify(url, shop, from, to);
      assertThat(before.code()).as(before.out()).isZero();
      assertThat(personDocs(shop)).isEqualTo(person.size());
      String summaryPath = "/api/v1/summary?from=" + from + "&to=" + to;
      JsonNode tilesBefore =
          Json.mapper().readTree(client.get(summaryPath, readKey).body()).path("tiles");

      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(stack.baseUri().resolve("/admin/v1/regulations"))
                  .header("Authorization", "Bearer test-admin-token")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"store\":\""
                              + shop
                              + "\",\"regulationType\":\"SUPPRESS_WITH_DELETE\","
                              + "\"subjectType\":\"USER_ID\",\"subjectIds\":[\""
                              + RegulationDeletionIT.USER
                              + "\"],\"subtract\":"
                              + subtract
                              + "}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      JsonNode done = awaitDone(http, stack, Json.mapper().readTree(r.body()).path("id").asText());
      assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("DONE");
      assertThat(done.toString())
          .contains("delete-opensearch-documents")
          .contains(subtract ? "subtract-aggregates" : "ledger-kept-aggregates");
      assertThat(personDocs(shop)).isZero();
      JsonNode tilesAfter =
          Json.mapper().readTree(client.get(summaryPath, readKey).body()).path("tiles");
      for (String tile : List.of("revenue", "ordersCompleted")) {
        if (subtract) {
          assertThat(tilesAfter.at("/" + tile + "/value").asText())
              .as("%s lost the person's part", tile)
              .isNotEqualTo(tilesBefore.at("/" + tile + "/value").asText());
        } else {
          assertThat(tilesAfter.at("/" + tile + "/value"))
              .as("%s kept (aggregate, not personal data)", tile)
              .isEqualTo(tilesBefore.at("/" + tile + "/value"));
        }
      }

      // The archive replayed again (its rewritten files are new versions): nothing comes back.
      Run again =
          run(
              "replay",
              "opensearch",
              "--url",
              url,
              "--data",
              data.toString(),
              "--store",
              shop,
              "--restart",
              "--no-progress");
      assertThat(again.code()).as(again.out()).isZero();
      assertThat(personDocs(shop)).isZero();

      Run after = verify(url, shop, from, to);
      assertThat(after.code()).as(after.out()).isZero();
      // Through the query API: with the admin token the ledger is taken out, as with --data;
      // without it the kept aggregates show as differences (none when they were subtracted).
      Run api = verifyApi(stack, url, shop, from, to, readKey, "test-admin-token");
      assertThat(api.code()).as(api.out()).isZero();
      Run blind = verifyApi(stack, url, shop, from, to, readKey, null);
      assertThat(blind.code()).as(blind.out()).isEqualTo(subtract ? 0 : 1);
    }
  }

  /** {@code tally verify} of the store's range against OpenSearch, from the stack's data. */
  private Run verify(String url, String shop, String from, String to) {
    return verifyWith(url, shop, from, to, "--data", data.toString());
  }

  /** {@code tally verify} of the store's range against OpenSearch, through the query API. */
  private Run verifyApi(
      EmbeddedStack stack,
      String url,
      String shop,
      String from,
      String to,
      String readKey,
      String adminToken) {
    List<String> source =
        new java.util.ArrayList<>(
            List.of("--api", stack.baseUri().toString(), "--read-key", readKey));
    if (adminToken != null) {
      source.addAll(List.of("--admin-token", adminToken));
    }
    return verifyWith(url, shop, from, to, source.toArray(String[]::new));
  }

  private Run verifyWith(String url, String shop, String from, String to, String... source) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("verify", "--url", url, "--store", shop, "--from", from, "--to", to));
    args.addAll(List.of(source));
    return run(args.toArray(String[]::new));
  }

  private long personDocs(String shop) {
    try (OpenSearch os = OpenSearch.connect(OpenSearchServer.url())) {
      IndexNames names = IndexNames.defaults();
      os.refresh(names.pattern());
      ObjectNode q = Json.mapper().createObjectNode();
      q.put("size", 0);
      q.put("track_total_hits", true);
      var should = q.putObject("query").putObject("bool").putArray("should");
      for (String f : List.of("userId", "anonymousId", "deviceId")) {
        var terms = should.addObject().putObject("terms").putArray(f);
        RegulationDeletionIT.IDS.forEach(terms::add);
      }
      return os.search(names.storeAlias(shop), q).path("hits").path("total").path("value").asLong();
    }
  }

  static JsonNode awaitDone(HttpClient http, EmbeddedStack stack, String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    JsonNode s = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(stack.baseUri().resolve("/admin/v1/regulations/" + id))
                  .header("Authorization", "Bearer test-admin-token")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      s = Json.mapper().readTree(r.body());
      if (s.path("status").asText().matches("DONE|FAILED")) {
        return s;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not done: " + s);
  }

  private void awaitArchived(String shop, int events) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      int[] n = {0};
      if (Files.isDirectory(data.resolve("archive"))) {
        new ArchiveEvents(new LocalArchive(data.resolve("archive")))
            .read(shop, ZoneOffset.UTC, null, null, e -> n[0] += e.events().size());
      }
      if (n[0] >= events) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the archive did not catch up");
  }

  private static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      PrintStream p = new PrintStream(buf, true, StandardCharsets.UTF_8);
      System.setOut(p);
      System.setErr(p);
      int code = new CommandLine(new TallyCli()).execute(args);
      return new Run(code, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
