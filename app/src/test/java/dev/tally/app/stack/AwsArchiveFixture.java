package dev.tally.app.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.app.sim.TallyClient;
import dev.tally.core.agg.DistinctSketch;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.core.item.Item;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.sim.Workload;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.opensearch.archive.ArchiveLayout;
import dev.tally.opensearch.archive.S3Archive;
import dev.tally.testkit.DynaliteFixture;
import dev.tally.testkit.S3rver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The AWS engine with its S3 archive, for deletion tests: {@code tally up} on DynamoDB (dynalite)
 * and SQS (ElasticMQ), the archive in S3 (s3rver, {@code TALLY_ARCHIVE_URL}), a workload with
 * {@link RegulationDeletionIT}'s person in it counted and archived, and the checks that the person
 * is gone from every table and archive object. A JUnit extension: a fresh stack per test.
 */
final class AwsArchiveFixture implements BeforeEachCallback, AfterEachCallback {
  static final String BUCKET = "tally-archive";

  SQSRestServer sqs;
  S3rver s3rver;
  S3Client s3;
  DynamoDbClient ddb;
  Map<String, String> env;
  EmbeddedStack stack;
  TallyClient client;

  /** The background events written by {@link #seed}, everyone but the person. */
  List<ObjectNode> background;

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    sqs = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    int port = sqs.waitUntilStarted().localAddress().getPort();
    s3rver = S3rver.start();
    s3 = S3Archive.client(AwsEndpoints.local(s3rver.endpoint()), S3rver.CREDENTIALS);
    s3.createBucket(b -> b.bucket(BUCKET));
    DynaliteFixture dynalite = DynaliteFixture.shared();
    ddb = dynalite.client();
    String prefix = dynalite.uniquePrefix();
    env =
        Map.of(
            "AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString(),
            "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:" + port,
            "AWS_ENDPOINT_URL_S3", s3rver.endpoint().toString(),
            "AWS_ACCESS_KEY_ID", "S3RVER",
            "AWS_SECRET_ACCESS_KEY", "S3RVER",
            "TALLY_METRICS_TABLE", prefix + "metrics",
            "TALLY_STORES_TABLE", prefix + "stores",
            "TALLY_DEDUP_TABLE", prefix + "dedup",
            "TALLY_SHOP_TABLE", prefix + "shop",
            "TALLY_ARCHIVE_URL", "s3://" + BUCKET + "/events");
    stack = EmbeddedStack.start(StackConfig.forTests(), env);
    client = new TallyClient(stack.baseUri());
  }

  /**
   * Ingests a workload with the person in the middle, waits until it is counted, and archives it as
   * Firehose would; checks the person is in the tables and the archive.
   */
  void seed() throws Exception {
    LocalDate last = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    background = new Workload(7, 30, 10, 4, 600, last).generate();
    List<ObjectNode> person = RegulationDeletionIT.personEvents(last);
    List<ObjectNode> all = new ArrayList<>(background);
    all.addAll(background.size() / 2, person);
    for (int i = 0; i < all.size(); i += 200) {
      HttpResponse<String> r =
          client.batch(DemoStore.WRITE_KEY, all.subList(i, Math.min(all.size(), i + 200)), true);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    assertThat(stack.drain(Duration.ofMinutes(3))).isTrue();
    // What Firehose would have delivered: the log entries, in the archive's layout.
    archive(all, last);
    assertThat(archiveContents()).contains(RegulationDeletionIT.USER);
    assertThat(tableContents()).contains(RegulationDeletionIT.USER);
  }

  /**
   * No table and no archive object holds the person's ids or message ids, everyone else's events
   * stay, and no device sketch holds the person's devices.
   */
  void assertPersonGone() throws IOException {
    List<String> forbidden = new ArrayList<>(RegulationDeletionIT.IDS);
    forbidden.add(RegulationDeletionIT.MSG);
    String tables = tableContents();
    String archive = archiveContents();
    for (String f : forbidden) {
      assertThat(tables).as("DynamoDB").doesNotContain(f);
      assertThat(archive).as("S3 archive").doesNotContain(f);
    }
    assertThat(archive)
        .as("everyone else's events stay")
        .contains(background.get(0).path("messageId").asText());
    for (Item i : metrics().values()) {
      if (i.key().pk().contains("#SKETCH")) {
        for (String device : List.of(RegulationDeletionIT.ANON1, RegulationDeletionIT.ANON2)) {
          assertThat(DistinctSketch.containsAll(i.bin(MetricKeys.HLL), List.of(device)))
              .as("%s holds the person's device", i.key())
              .isFalse();
        }
      }
    }
  }

  /** The events as log entries of 50 in gzip objects of four entries, Firehose's partitions. */
  private void archive(List<ObjectNode> events, LocalDate day) throws IOException {
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 0; i < events.size(); i += 50) {
      entries.add(
          new LogEntry(
              "arch-" + i,
              DemoStore.ID,
              events.subList(i, Math.min(events.size(), i + 50)).stream()
                  .map(RegulationDeletionIT::parse)
                  .toList()));
    }
    for (int i = 0; i < entries.size(); i += 4) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
        for (LogEntry e : entries.subList(i, Math.min(entries.size(), i + 4))) {
          out.write(EventCodec.encodeToString(e).getBytes(StandardCharsets.UTF_8));
          out.write('\n');
        }
      }
      String key =
          "events/"
              + ArchiveLayout.Partition.of(
                      DemoStore.ID, day.atTime(12, 0).toInstant(ZoneOffset.UTC))
                  .path()
              + "/"
              + ArchiveLayout.fileName(i, i + 3);
      s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes.toByteArray()));
    }
  }

  /** Every archive object, decompressed. */
  String archiveContents() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents()) {
      try (InputStream in = new GZIPInputStream(s3.getObject(b -> b.bucket(BUCKET).key(o.key())))) {
        sb.append(o.key())
            .append('\n')
            .append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return sb.toString();
  }

  /** Every item of every table of this stack, as DynamoDB returns it. */
  String tableContents() {
    StringBuilder sb = new StringBuilder();
    for (String t :
        List.of(
            env.get("TALLY_METRICS_TABLE"),
            env.get("TALLY_STORES_TABLE"),
            env.get("TALLY_DEDUP_TABLE"),
            env.get("TALLY_SHOP_TABLE"))) {
      ddb.scanPaginator(b -> b.tableName(t)).items().forEach(i -> sb.append(i).append('\n'));
    }
    return sb.toString();
  }

  Map<String, Item> metrics() {
    Map<String, Item> out = new TreeMap<>();
    DynamoDbItemStore.create(ddb, env.get("TALLY_METRICS_TABLE"), Clock.systemUTC())
        .scan(DemoStore.ID + "#", null, i -> out.put(i.key().pk() + "|" + i.key().sk(), i));
    return out;
  }

  Map<String, Item> storeAggregates() {
    Map<String, Item> out = new TreeMap<>();
    metrics()
        .forEach(
            (k, v) -> {
              if (k.contains("#STORE#") || k.contains("#PRODUCTS#")) {
                out.put(k, v);
              }
            });
    return out;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (stack != null) {
      stack.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (s3rver != null) {
      s3rver.close();
    }
    if (sqs != null) {
      sqs.stopAndWait();
    }
  }
}
