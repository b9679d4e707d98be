package dev.tally.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.AggregatorService;
import dev.tally.aggregator.DeadLetters;
import dev.tally.aggregator.lambda.KinesisAggregatorHandler;
import dev.tally.aggregator.lambda.LogBatch;
import dev.tally.aggregator.lambda.SqsAggregatorHandler;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.core.agg.DistinctSketch;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.dynamodb.internal.ItemCodec;
import dev.tally.ingest.log.KinesisEventLog;
import dev.tally.testkit.DynaliteFixture;
import dev.tally.testkit.EngineTable;
import dev.tally.testkit.Kinesalite;
import dev.tally.testkit.metrics.MetricTable;
import dev.tally.testkit.metrics.Oracle;
import dev.tally.testkit.metrics.RawEvent;
import dev.tally.testkit.metrics.ShopTraffic;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.JobClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The engines both paths run on (kinesalite for the stream, dynalite for the tables), the workload
 * published once through ingest's own Kinesis publisher, the Lambda path run in-process over the
 * same records, and the comparisons.
 */
final class FlinkHarness implements AutoCloseable {
  final ShopTraffic traffic;
  final Kinesalite kinesalite;
  final KinesisClient kinesis;
  final DynaliteFixture dynalite = DynaliteFixture.shared();
  final String storesTable;
  final ItemStoreRegistry stores;
  final List<String> deadLetters = new CopyOnWriteArrayList<>();
  String stream;

  FlinkHarness(ShopTraffic traffic) throws Exception {
    this.traffic = traffic;
    kinesalite = Kinesalite.start();
    kinesis =
        AwsEndpoints.local(kinesalite.endpoint())
            .configure(KinesisClient.builder())
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    storesTable = dynalite.newTable(DynaliteFixture.Keys.PK);
    stores =
        new ItemStoreRegistry(
            DynamoDbItemStore.keyOnly(dynalite.client(), storesTable, Clock.systemUTC()));
    for (Store s : traffic.stores()) {
      stores.create(s, "wk-" + s.id(), "rk-" + s.id());
    }
  }

  /** Creates a stream (which becomes the one {@link #readShards} reads) and waits for it. */
  String createStream(int shards) throws InterruptedException {
    String name = "tally-flink-it-" + System.nanoTime();
    kinesis.createStream(b -> b.streamName(name).shardCount(shards));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (kinesis
            .describeStreamSummary(b -> b.streamName(name))
            .streamDescriptionSummary()
            .streamStatus()
        != StreamStatus.ACTIVE) {
      assertThat(System.nanoTime()).as("stream active").isLessThan(deadline);
      Thread.sleep(50);
    }
    if (stream == null) {
      stream = name;
    }
    return name;
  }

  /** Publishes every send as ingest does: one record per device and call, in order. */
  void publish(String to) {
    KinesisEventLog log = new KinesisEventLog(kinesis, to);
    for (ShopTraffic.Send send : traffic.sends()) {
      log.append(send.storeId(), send.events().stream().map(RawEvent::toEvent).toList());
    }
  }

  /** The same, {@code perSecond} sends a second, from a thread of its own (a live stream). */
  Thread publishLive(String to, int perSecond) {
    KinesisEventLog log = new KinesisEventLog(kinesis, to);
    Thread t =
        new Thread(
            () -> {
              long start = System.nanoTime();
              int i = 0;
              for (ShopTraffic.Send send : traffic.sends()) {
                long due = start + TimeUnit.SECONDS.toNanos(1) * i++ / perSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                  try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  }
                }
                log.append(send.storeId(), send.events().stream().map(RawEvent::toEvent).toList());
              }
            },
            "live-publisher");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Every record of the stream, shard by shard, in order (as Lambda's event source reads it). */
  List<List<Record>> readShards() {
    List<List<Record>> out = new ArrayList<>();
    for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
      List<Record> records = new ArrayList<>();
      String it =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName(stream)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      while (it != null) {
        String iterator = it;
        GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(iterator).limit(1000));
        records.addAll(r.records());
        if (r.records().isEmpty()
            && (r.millisBehindLatest() == null || r.millisBehindLatest() == 0)) {
          break;
        }
        it = r.nextShardIterator();
      }
      out.add(records);
    }
    return out;
  }

  int recordCount() {
    return readShards().stream().mapToInt(List::size).sum();
  }

  /** A fresh metrics table on dynalite. */
  EngineTable newTable() {
    return newTable(dynalite);
  }

  /** A fresh metrics table on {@code dynalite}, read back by a consistent scan. */
  static EngineTable newTable(DynaliteFixture dynalite) {
    String table = dynalite.newTable(DynaliteFixture.Keys.PK_SK);
    ItemCodec codec = new ItemCodec(false);
    return new EngineTable(
        "dynamodb",
        DynamoDbItemStore.create(dynalite.client(), table, Clock.systemUTC()),
        () -> {
          List<Item> out = new ArrayList<>();
          dynalite
              .client()
              .scanPaginator(b -> b.tableName(table).consistentRead(true))
              .items()
              .forEach(raw -> out.add(codec.decode(raw)));
          return out;
        });
  }

  /**
   * A MiniCluster configuration that keeps Flink's temporary files in {@code work/tmp}, not /tmp.
   */
  static Configuration tmpUnder(Path work) {
    try {
      Files.createDirectories(work.resolve("tmp"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Configuration c = new Configuration();
    c.set(CoreOptions.TMP_DIRS, work.resolve("tmp").toString());
    return c;
  }

  String tableName(EngineTable t) {
    return ((DynamoDbItemStore) t.store()).table();
  }

  private LogBatch lambdaBatch(EngineTable table) {
    DeadLetters kept = (id, body, reason) -> deadLetters.add(id + ": " + reason);
    return new LogBatch(
        new AggregatorService(
            stores,
            new ItemMetricWriter(table.store(), AggregatorConfig.defaults()),
            new dev.tally.aggregator.ItemBadEvents(table.store(), java.time.Clock.systemUTC())),
        kept);
  }

  /**
   * The Kinesis Lambda handler over the stream, batches of {@code batchSize} per shard (the
   * pipeline's event source mapping uses 100), in-process. Returns the events/s of the handler
   * calls alone.
   */
  double runKinesisHandler(List<List<Record>> shards, EngineTable table, int batchSize) {
    KinesisAggregatorHandler handler = new KinesisAggregatorHandler(lambdaBatch(table));
    long nanos = 0;
    for (List<Record> shard : shards) {
      for (int i = 0; i < shard.size(); i += batchSize) {
        KinesisEvent event = kinesisEvent(shard.subList(i, Math.min(shard.size(), i + batchSize)));
        long start = System.nanoTime();
        StreamsEventResponse r = handler.handleRequest(event, null);
        nanos += System.nanoTime() - start;
        assertThat(r.getBatchItemFailures()).as("Kinesis handler batch failures").isEmpty();
      }
    }
    return traffic.eventCount() / (nanos / 1e9);
  }

  /** The SQS Lambda handler over the same records as message bodies, batches of 10. */
  void runSqsHandler(List<List<Record>> shards, EngineTable table) {
    SqsAggregatorHandler handler = new SqsAggregatorHandler(lambdaBatch(table));
    List<Record> all = shards.stream().flatMap(List::stream).toList();
    for (int i = 0; i < all.size(); i += 10) {
      List<SQSEvent.SQSMessage> messages = new ArrayList<>();
      for (Record r : all.subList(i, Math.min(all.size(), i + 10))) {
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId(r.sequenceNumber());
        m.setBody(r.data().asString(StandardCharsets.UTF_8));
        messages.add(m);
      }
      SQSEvent event = new SQSEvent();
      event.setRecords(messages);
      assertThat(handler.handleRequest(event, null).getBatchItemFailures())
          .as("SQS handler batch failures")
          .isEmpty();
    }
  }

  private static KinesisEvent kinesisEvent(List<Record> records) {
    List<KinesisEvent.KinesisEventRecord> out = new ArrayList<>();
    for (Record r : records) {
      KinesisEvent.Record k = new KinesisEvent.Record();
      k.setSequenceNumber(r.sequenceNumber());
      k.setPartitionKey(r.partitionKey());
      k.setData(ByteBuffer.wrap(r.data().asByteArray()));
      KinesisEvent.KinesisEventRecord e = new KinesisEvent.KinesisEventRecord();
      e.setKinesis(k);
      e.setEventSource("aws:kinesis");
      out.add(e);
    }
    KinesisEvent event = new KinesisEvent();
    event.setRecords(out);
    return event;
  }

  /** The job's config for one run: this stream, that table, small batches, frequent checkpoints. */
  JobConfig jobConfig(String stream, EngineTable table, String checkpointDir) {
    return JobConfig.builder(stream)
        .kinesisEndpoint(kinesalite.endpoint().toString())
        .dynamoDbEndpoint(dynalite.endpoint().toString())
        .metricsTable(tableName(table))
        .storesTable(storesTable)
        .batchRecords(20)
        .batchWait(Duration.ofMillis(100))
        .writeWait(Duration.ofMillis(100))
        .checkpointInterval(Duration.ofMillis(500))
        .checkpointDir(checkpointDir)
        .build();
  }

  /** Distinct counted events (activity, by store and message id): the marks a full run leaves. */
  long uniqueActivityEvents() {
    Set<String> ids = new HashSet<>();
    for (ShopTraffic.Send s : traffic.sends()) {
      for (RawEvent e : s.events()) {
        if (e.isActivity()) {
          ids.add(s.storeId() + "/" + e.messageId());
        }
      }
    }
    return ids.size();
  }

  /** The marks stored in a table: every counted event leaves exactly one. */
  static long marks(List<Item> items) {
    long n = 0;
    for (Item i : items) {
      if (i.attrs().get(MetricKeys.SEEN) instanceof AttrValue.Marks m) {
        n += m.values().size();
      }
    }
    return n;
  }

  /**
   * Waits until the table holds {@code target} marks, i.e. every event is counted. The table is the
   * judge: a commit whose answer a cancelled task never received is in it, yet was not seen by the
   * test's watch. Fails early when the job stops.
   */
  static void awaitCounted(EngineTable table, long target, JobClient job, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (marks(table.all()) >= target) {
        return;
      }
      JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
      assertThat(status.isGloballyTerminalState()).as("job ended early: " + status).isFalse();
      Thread.sleep(1_000);
    }
    assertThat(marks(table.all())).as("events counted before the timeout").isEqualTo(target);
  }

  /**
   * Item by item: the same keys, the same attributes, ignoring version counters; mark sets as sets;
   * sketches by estimate and by union (the union of the two estimates no more than each).
   */
  static void assertSameItems(String what, List<Item> expected, List<Item> actual) {
    Map<ItemKey, Item> a = index(expected);
    Map<ItemKey, Item> b = index(actual);
    List<String> diffs = new ArrayList<>();
    Set<ItemKey> keys = new TreeSet<>(java.util.Comparator.comparing(ItemKey::toString));
    keys.addAll(a.keySet());
    keys.addAll(b.keySet());
    for (ItemKey k : keys) {
      Item x = a.get(k);
      Item y = b.get(k);
      if (x == null || y == null) {
        diffs.add(k + " only in " + (x == null ? "the second" : "the first"));
        continue;
      }
      Map<String, AttrValue> xa = new TreeMap<>(x.attrs());
      Map<String, AttrValue> ya = new TreeMap<>(y.attrs());
      xa.remove(MetricKeys.VERSION);
      ya.remove(MetricKeys.VERSION);
      AttrValue xs = xa.remove(MetricKeys.HLL);
      AttrValue ys = ya.remove(MetricKeys.HLL);
      if (!xa.equals(ya)) {
        diffs.add(k + ": " + xa + " vs " + ya);
      }
      if ((xs == null) != (ys == null)) {
        diffs.add(k + ": sketch on one side only");
      } else if (xs != null) {
        byte[] sx = ((AttrValue.Bin) xs).value();
        byte[] sy = ((AttrValue.Bin) ys).value();
        long ex = DistinctSketch.estimateUnion(List.of(sx));
        long ey = DistinctSketch.estimateUnion(List.of(sy));
        long eu = DistinctSketch.estimateUnion(List.of(sx, sy));
        if (ex != ey || eu != ex) {
          diffs.add(k + ": sketch estimates " + ex + " vs " + ey + ", union " + eu);
        }
      }
    }
    assertThat(diffs.subList(0, Math.min(20, diffs.size())))
        .as(what + ": " + diffs.size() + " items differ (first 20 shown)")
        .isEmpty();
    assertThat(b).as(what + ": item count").hasSameSizeAs(a);
  }

  private static Map<ItemKey, Item> index(List<Item> items) {
    Map<ItemKey, Item> out = new java.util.HashMap<>();
    items.forEach(i -> out.put(i.key(), i));
    return out;
  }

  /** The table equals the raw-event recomputation: counters per store, and the identity links. */
  void assertMatchesOracle(String what, List<Item> items) {
    for (Store s : traffic.stores()) {
      List<RawEvent> events = traffic.events(s.id());
      assertThat(MetricTable.read(items, s.id()))
          .as(what + ": metrics of " + s.id() + " vs the oracle")
          .isEqualTo(Oracle.expected(List.of(events), s.timezone()));
      List<String> links = new ArrayList<>();
      Oracle.links(List.of(events))
          .forEach(
              (anon, user) -> {
                links.add(anon + "→" + user);
                links.add("via-user:" + anon + "→" + user);
              });
      Collections.sort(links);
      assertThat(MetricTable.links(items, s.id()))
          .as(what + ": links of " + s.id())
          .isEqualTo(links);
    }
  }

  @Override
  public void close() {
    kinesis.close();
    kinesalite.close();
  }
}
