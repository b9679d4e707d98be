package dev.tally.app.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.app.sim.TallyClient;
import dev.tally.core.agg.DistinctSketch;
import dev.tally.core.event.EventParser;
import dev.tally.core.event.Json;
import dev.tally.core.event.LogEntry;
import dev.tally.core.item.Item;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.port.LogRecord;
import dev.tally.core.sim.Workload;
import dev.tally.opensearch.archive.LocalArchive;
import dev.tally.opensearch.regulation.ArchiveEvents;
import dev.tally.sqlite.SqliteItemStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person deleted on the embedded engine (archive on): afterwards no key or value of any table, no
 * log record and no archive file holds their ids or their message ids; store and product aggregates
 * are unchanged; re-sending their events, redelivering in-flight log entries and replaying the
 * archive bring nothing back; a second run changes nothing.
 */
class RegulationDeletionIT {
  static final String USER = "gdpr-user-7f3a";
  static final String ANON1 = "gdpr-anon-1c9e";
  static final String ANON2 = "gdpr-anon-2d4b";
  static final List<String> IDS = List.of(USER, ANON1, ANON2);
  static final String MSG = "gdpr-msg-";

  @TempDir Path data;
  EmbeddedStack stack;
  TallyClient client;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    stack =
        EmbeddedStack.start(
            StackConfig.forTests()
                .withInMemory(false)
                .withDataDir(data)
                .withArchiveRoll(Duration.ofMillis(200)),
            Map.of());
    client = new TallyClient(stack.baseUri());
  }

  @AfterEach
  void stop() {
    stack.close();
  }

  @Test
  void deletedPerson_isGoneEverywhere_andNothingBringsThemBack() throws Exception {
    LocalDate last = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    List<ObjectNode> background = new Workload(5, 40, 12, 6, 1_200, last).generate();
    List<ObjectNode> person = personEvents(last);
    List<ObjectNode> all = new ArrayList<>(background);
    // The person's events in the middle of everyone else's.
    all.addAll(background.size() / 2, person);
    send(all);
    // A call of theirs that ingest refuses is kept (tally dlq) with its JSON.
    assertThat(
            client
                .post(
                    "/v1/track",
                    DemoStore.WRITE_KEY,
                    "{\"userId\":\""
                        + USER
                        + "\",\"messageId\":\""
                        + MSG
                        + "refused\",\"event\":\"Product Added\",\"properties\":"
                        + "{\"product_id\":\"p1\",\"quantity\":999999}}")
                .statusCode())
        .isEqualTo(400);
    assertThat(scan(stack.engine().metrics()).keySet()).anyMatch(k -> k.contains("#REJECTED#"));
    assertThat(stack.drain(Duration.ofMinutes(2))).isTrue();
    awaitArchived(person.size());
    assertThat(contents()).contains(USER).contains(ANON1).contains(ANON2);
    Map<String, Item> aggregatesBefore = storeAggregates();
    // They bought: their customer-index and buyers items exist, and assertGone proves them gone.
    assertThat(scan(stack.engine().metrics()).keySet())
        .anyMatch(k -> k.contains("#CUSTOMERS#") && k.contains(USER))
        .anyMatch(k -> k.contains("#BUYERS#DAY#") && k.contains(USER))
        .anyMatch(k -> k.contains("#BUYERS#WEEK#") && k.contains(USER))
        .anyMatch(k -> k.contains("#BUYERS#MONTH#") && k.contains(USER));

    JsonNode created = regulate("SUPPRESS_WITH_DELETE", "USER_ID", USER);
    String id = created.path("id").asText();
    assertThat(created.path("status").asText()).isIn("RUNNING", "PENDING");
    JsonNode done = awaitDone(id, Duration.ofSeconds(60));
    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("DONE");
    assertThat(done.toString()).doesNotContain(USER).doesNotContain(ANON1);

    assertGone();
    assertThat(storeAggregates()).isEqualTo(aggregatesBefore);
    assertSketchesLack(last);

    // Nothing brings them back: the old events re-sent, in-flight copies redelivered, the archive
    // replayed through the aggregator.
    send(person);
    // A redelivery of log entries that were in flight when the person was deleted.
    stack
        .aggregator()
        .apply(
            List.of(
                new LogEntry(
                    "in-flight-1",
                    DemoStore.ID,
                    person.stream().map(RegulationDeletionIT::parse).toList())));
    List<LogEntry> archived = new ArrayList<>();
    new ArchiveEvents(new LocalArchive(data.resolve("archive")))
        .read(DemoStore.ID, ZoneOffset.UTC, null, null, archived::add);
    stack.aggregator().apply(archived);
    assertThat(stack.drain(Duration.ofMinutes(2))).isTrue();
    Thread.sleep(600); // an archive roll
    assertGone();
    assertThat(storeAggregates()).isEqualTo(aggregatesBefore);

    // Running the job again changes nothing.
    Map<String, Item> metricsBefore = scan(stack.engine().metrics());
    String archiveBefore = contents();
    JsonNode again =
        awaitDone(
            regulate("SUPPRESS_WITH_DELETE", "USER_ID", USER).path("id").asText(),
            Duration.ofSeconds(60));
    assertThat(again.path("status").asText()).isEqualTo("DONE");
    assertThat(scan(stack.engine().metrics())).isEqualTo(metricsBefore);
    assertThat(contents()).isEqualTo(archiveBefore);
  }

  @Test
  void cliFace_createsAndFollowsARegulation_andRebuildHasHelp() throws Exception {
    java.io.PrintStream out = System.out;
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new java.io.PrintStream(buf, true, StandardCharsets.UTF_8));
      code =
          new picocli.CommandLine(new dev.tally.app.cli.TallyCli())
              .execute(
                  "regulations",
                  "create",
                  "--url",
                  stack.baseUri().toString(),
                  "--admin-token",
                  "test-admin-token",
                  "--store",
                  "demo",
                  "--user",
                  "cli-user",
                  "--wait");
    } finally {
      System.setOut(out);
    }
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed).isZero();
    assertThat(printed).contains("SUPPRESS_WITH_DELETE USER_ID on store demo: DONE");
    assertThat(printed).contains("delete-person-items").contains("redact-archive");
    assertThat(
            new picocli.CommandLine(new dev.tally.app.cli.TallyCli()).execute("rebuild", "--help"))
        .isZero();
    assertThat(
            new picocli.CommandLine(new dev.tally.app.cli.TallyCli())
                .execute(
                    "regulations",
                    "create",
                    "--store",
                    "demo",
                    "--admin-token",
                    "x",
                    "--url",
                    stack.baseUri().toString()))
        .isEqualTo(2); // no subject given: a message, not a stack trace
  }

  @Test
  void unknownStoreOrBadBody_isRefusedWithAMessage() throws Exception {
    HttpResponse<String> r =
        post(
            "{\"store\":\"nope\",\"regulationType\":\"SUPPRESS\",\"subjectType\":\"USER_ID\","
                + "\"subjectIds\":[\"x\"]}",
            "test-admin-token");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("does not exist");
    r =
        post(
            "{\"store\":\"demo\",\"regulationType\":\"FORGET\",\"subjectType\":\"USER_ID\","
                + "\"subjectIds\":[\"x\"]}",
            "test-admin-token");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("SUPPRESS_WITH_DELETE");
    assertThat(post("{}", "wrong").statusCode()).isEqualTo(401);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(
                            stack.baseUri().resolve("/admin/v1/regulations/reg_missing"))
                        .header("Authorization", "Bearer test-admin-token")
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(404);
    assertThat(ledger("store=nope&from=2026-01-01&to=2026-01-31", "test-admin-token").statusCode())
        .isEqualTo(404);
    HttpResponse<String> noRange = ledger("store=demo&from=2026-01-01", "test-admin-token");
    assertThat(noRange.statusCode()).isEqualTo(400);
    assertThat(noRange.body()).contains("to is required");
    assertThat(ledger("store=demo&from=2026-01-01&to=2026-01-31", "wrong").statusCode())
        .isEqualTo(401);
    HttpResponse<String> empty =
        ledger("store=demo&from=2026-01-01&to=2026-01-31", "test-admin-token");
    assertThat(empty.statusCode()).isEqualTo(200);
    assertThat(Json.mapper().readTree(empty.body()).path("days").size()).isZero();
  }

  private HttpResponse<String> ledger(String query, String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(stack.baseUri().resolve("/admin/v1/ledger?" + query))
            .header("Authorization", "Bearer " + token)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void suppressThenUnsuppress_dropsEventsOnlyInBetween() throws Exception {
    String day = LocalDate.now(ZoneOffset.UTC).toString();
    awaitDone(
        regulate("SUPPRESS", "USER_ID", "sup-user").path("id").asText(), Duration.ofSeconds(30));
    track("sup-user", "sup-m1");
    assertThat(stack.drain(Duration.ofSeconds(20))).isTrue();
    assertThat(scan(stack.engine().metrics()).keySet())
        .noneMatch(k -> k.contains("#USER#sup-user"));
    awaitDone(
        regulate("UNSUPPRESS", "USER_ID", "sup-user").path("id").asText(), Duration.ofSeconds(30));
    track("sup-user", "sup-m2");
    assertThat(stack.drain(Duration.ofSeconds(20))).isTrue();
    assertThat(scan(stack.engine().metrics()).keySet())
        .contains(MetricKeys.userPk(DemoStore.ID, "sup-user") + "|" + MetricKeys.DAY_PREFIX + day);
  }

  private void track(String user, String messageId) throws Exception {
    assertThat(
            client
                .post(
                    "/v1/track",
                    DemoStore.WRITE_KEY,
                    "{\"userId\":\""
                        + user
                        + "\",\"messageId\":\""
                        + messageId
                        + "\",\"event\":\"Product Viewed\",\"properties\":{\"product_id\":\"p1\"}}")
                .statusCode())
        .isEqualTo(200);
  }

  /** Two devices browsing, a sign-in on each, orders: over three days. */
  static List<ObjectNode> personEvents(LocalDate last) {
    List<ObjectNode> out = new ArrayList<>();
    int[] n = {0};
    for (int d = 0; d < 3; d++) {
      Instant t = last.minusDays(2 - d).atTime(10, 0).toInstant(ZoneOffset.UTC);
      String anon = d == 2 ? ANON2 : ANON1;
      out.add(event(n, "page", anon, null, null, t, null));
      out.add(event(n, "track", anon, null, "Product Viewed", t.plusSeconds(10), "gdpr-p1"));
      out.add(event(n, "track", anon, null, "Product Added", t.plusSeconds(20), "gdpr-p1"));
      out.add(event(n, "identify", anon, USER, null, t.plusSeconds(30), null));
      out.add(event(n, "track", anon, USER, "Checkout Started", t.plusSeconds(40), null));
      ObjectNode order = event(n, "track", null, USER, "Order Completed", t.plusSeconds(50), null);
      ObjectNode p = (ObjectNode) order.get("properties");
      p.put("order_id", "gdpr-o" + d);
      p.put("revenue", 42.5);
      p.put("currency", "USD");
      p.putArray("products")
          .addObject()
          .put("product_id", "gdpr-p1")
          .put("price", 42.5)
          .put("quantity", 1);
      out.add(order);
    }
    return out;
  }

  private static ObjectNode event(
      int[] n, String type, String anon, String user, String name, Instant at, String product) {
    ObjectNode e = Json.mapper().createObjectNode();
    e.put("type", type);
    e.put("messageId", MSG + (n[0]++));
    if (anon != null) {
      e.put("anonymousId", anon);
    }
    if (user != null) {
      e.put("userId", user);
    }
    if (name != null) {
      e.put("event", name);
    }
    if (type.equals("page")) {
      e.put("name", "Home");
    }
    ObjectNode props = e.putObject(type.equals("identify") ? "traits" : "properties");
    if (type.equals("identify")) {
      props.put("email", USER + "@example.com");
    }
    if (product != null) {
      props.put("product_id", product);
      props.put("price", 42.5);
    }
    e.put("timestamp", at.toString());
    return e;
  }

  static dev.tally.core.event.Event parse(ObjectNode n) {
    return new EventParser(dev.tally.core.event.ParseOptions.live().historical())
        .parse(
            n,
            null,
            EventParser.BatchContext.at(Instant.now()),
            java.util.Currency.getInstance("USD"));
  }

  private void send(List<ObjectNode> events) throws Exception {
    for (int i = 0; i < events.size(); i += 400) {
      HttpResponse<String> r =
          client.batch(
              DemoStore.WRITE_KEY, events.subList(i, Math.min(events.size(), i + 400)), true);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
  }

  private JsonNode regulate(String type, String subjectType, String id) throws Exception {
    HttpResponse<String> r =
        post(
            "{\"store\":\"demo\",\"regulationType\":\""
                + type
                + "\",\"subjectType\":\""
                + subjectType
                + "\",\"subjectIds\":[\""
                + id
                + "\"]}",
            "test-admin-token");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return Json.mapper().readTree(r.body());
  }

  private HttpResponse<String> post(String body, String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(stack.baseUri().resolve("/admin/v1/regulations"))
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode awaitDone(String id, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode s = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(stack.baseUri().resolve("/admin/v1/regulations/" + id))
                  .header("Authorization", "Bearer test-admin-token")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      s = Json.mapper().readTree(r.body());
      String status = s.path("status").asText();
      if (status.equals("DONE") || status.equals("FAILED")) {
        return s;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("regulation " + id + " not done in " + timeout + ": " + s);
  }

  private void assertGone() throws IOException {
    List<String> forbidden = new ArrayList<>(IDS);
    forbidden.add(MSG);
    for (var table :
        List.of(
            stack.engine().metrics(),
            stack.engine().stores(),
            stack.engine().dedup(),
            stack.engine().shop())) {
      Map<String, Item> items = scan(table);
      for (var e : items.entrySet()) {
        String text = e.getKey() + " " + e.getValue().attrs();
        for (String f : forbidden) {
          assertThat(text).as("item of %s", ((SqliteItemStore) table).name()).doesNotContain(f);
        }
      }
    }
    var log = ((EmbeddedEngine) stack.engine()).eventLog();
    for (LogRecord r : log.readFrom(0, 1_000_000)) {
      String body = new String(r.body(), StandardCharsets.UTF_8);
      forbidden.forEach(f -> assertThat(body).as("log record").doesNotContain(f));
    }
    for (var d : log.deadLetters(0, 1_000_000)) {
      String body = new String(d.record().body(), StandardCharsets.UTF_8);
      forbidden.forEach(f -> assertThat(body).as("dead letter").doesNotContain(f));
    }
    String archive = contents();
    forbidden.forEach(f -> assertThat(archive).as("archive").doesNotContain(f));
  }

  /** The device sketches of the person's days no longer hold their devices. */
  private void assertSketchesLack(LocalDate last) {
    for (Item i : scan(stack.engine().metrics()).values()) {
      if (i.key().pk().contains("#SKETCH")) {
        assertThat(DistinctSketch.containsAll(i.bin(MetricKeys.HLL), List.of(ANON1)))
            .as("%s holds the person's device", i.key())
            .isFalse();
        assertThat(DistinctSketch.containsAll(i.bin(MetricKeys.HLL), List.of(ANON2)))
            .as("%s holds the person's device", i.key())
            .isFalse();
      }
    }
  }

  private Map<String, Item> storeAggregates() {
    Map<String, Item> out = new TreeMap<>();
    scan(stack.engine().metrics())
        .forEach(
            (k, v) -> {
              if (k.contains("#STORE#") || k.contains("#PRODUCTS#")) {
                out.put(k, v);
              }
            });
    return out;
  }

  static Map<String, Item> scan(dev.tally.core.item.ItemStore table) {
    Map<String, Item> out = new TreeMap<>();
    for (Item i : ((SqliteItemStore) table).scan()) {
      out.put(i.key().pk() + "|" + i.key().sk(), i);
    }
    return out;
  }

  private void awaitArchived(int personEvents) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      String c = contents();
      if (c.split(MSG, -1).length - 1 >= personEvents) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the archive did not catch up");
  }

  /** Every archive data file, decompressed and concatenated. */
  private String contents() throws IOException {
    Path root = data.resolve("archive");
    if (!Files.isDirectory(root)) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        byte[] bytes = Files.readAllBytes(f);
        if (f.toString().endsWith(".gz")) {
          try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            bytes = out.toByteArray();
          } catch (IOException e) {
            // a temp file being written: its content is checked once renamed
            continue;
          }
        }
        if (f.toString().contains("/_tally/")) {
          continue;
        }
        sb.append(f).append('\n').append(new String(bytes, StandardCharsets.UTF_8));
      }
    }
    return sb.toString();
  }
}
