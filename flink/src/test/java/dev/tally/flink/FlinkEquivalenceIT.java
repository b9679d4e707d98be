package dev.tally.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.item.Item;
import dev.tally.testkit.EngineTable;
import dev.tally.testkit.metrics.ShopTraffic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The scaling path's acceptance test: the same seeded workload (two stores; anonymous visitors,
 * sign-ins, duplicates, late events, refunds) is published once to a Kinesis stream (kinesalite)
 * through ingest's publisher, then counted twice: by the Lambda handlers in-process, and by the
 * Flink job on a MiniCluster reading the stream. Every item of the two tables must be identical,
 * and both must equal the raw-event oracle; also when the job's tasks fail after a checkpoint, and
 * when it is restarted from an older checkpoint.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlinkEquivalenceIT {
  static final LocalDate LAST_DAY = LocalDate.of(2025, 3, 20);
  static final int EVENTS_PER_STORE = 900;
  static final Duration TIMEOUT = Duration.ofMinutes(3);
  static final Path WORK = Path.of("target", "flink-it").toAbsolutePath();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .setConfiguration(clusterConfig())
              .build());

  static FlinkHarness harness;
  static List<Item> lambdaItems;
  static long expectedMarks;

  /** Two slots; checkpoints kept three deep; Flink's temporary files under target/, not /tmp. */
  static Configuration clusterConfig() {
    Configuration c = FlinkHarness.tmpUnder(WORK);
    c.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 3);
    return c;
  }

  @BeforeAll
  static void publishAndRunTheLambdaPath() throws Exception {
    harness = new FlinkHarness(ShopTraffic.standard(LAST_DAY, EVENTS_PER_STORE));
    harness.publish(harness.createStream(2));
    var shards = harness.readShards();
    expectedMarks = harness.uniqueActivityEvents();

    EngineTable kinesisLambda = harness.newTable();
    harness.runKinesisHandler(shards, kinesisLambda, 100);
    lambdaItems = kinesisLambda.all();
    harness.assertMatchesOracle("Lambda (Kinesis handler)", lambdaItems);
    assertThat(FlinkHarness.marks(lambdaItems)).isEqualTo(expectedMarks);

    EngineTable sqsLambda = harness.newTable();
    harness.runSqsHandler(shards, sqsLambda);
    FlinkHarness.assertSameItems(
        "Lambda (SQS handler) vs Lambda (Kinesis handler)", lambdaItems, sqsLambda.all());
    assertThat(harness.deadLetters).isEmpty();
  }

  @AfterAll
  static void stop() throws IOException {
    if (harness != null) {
      harness.close();
    }
    deleteTree(WORK.resolve("tmp"));
  }

  @BeforeEach
  void resetWatch() {
    Watch.reset();
  }

  @Test
  @Order(1)
  void theFlinkJob_writesItemForItemWhatTheLambdaPathWrites() throws Exception {
    EngineTable table = harness.newTable();
    JobClient job = submit(harness.jobConfig(harness.stream, table, checkpoints("plain")), null);
    try {
      FlinkHarness.awaitCounted(table, expectedMarks, job, TIMEOUT);
    } finally {
      cancel(job);
    }
    List<Item> flinkItems = table.all();
    FlinkHarness.assertSameItems("Flink vs Lambda", lambdaItems, flinkItems);
    harness.assertMatchesOracle("Flink", flinkItems);
    assertThat(FlinkHarness.marks(flinkItems)).as("one mark per event").isEqualTo(expectedMarks);
    assertThat(Watch.marksCommitted.get())
        .as("marks written (never more than once per event)")
        .isLessThanOrEqualTo(expectedMarks);
    assertThat(harness.deadLetters).isEmpty();
  }

  @Test
  @Order(2)
  void tasksThatFailAfterACheckpoint_recoverFromIt_andCountNothingTwice() throws Exception {
    EngineTable table = harness.newTable();
    String dir = checkpoints("failures");
    JobClient job = submit(harness.jobConfig(harness.stream, table, dir), null);
    try {
      // Once a checkpoint is complete and part of the stream is counted, a task dies right after
      // committing a counter transaction (its batch is then re-read, already marked) ...
      awaitCheckpoints(dir, job, 1);
      awaitAtLeast(expectedMarks / 4);
      Watch.failAfterCommit.set(1);
      // ... and later another dies between the transactions of a batch (half of it written).
      awaitAtLeast(expectedMarks / 2);
      Watch.failBeforeCommit.set(1);
      FlinkHarness.awaitCounted(table, expectedMarks, job, TIMEOUT);
    } finally {
      cancel(job);
    }
    assertThat(Watch.failuresInjected.get()).as("failures injected").isEqualTo(2);
    assertThat(Watch.alreadyCounted.get()).as("events re-read after a restore").isPositive();
    List<Item> flinkItems = table.all();
    FlinkHarness.assertSameItems("Flink with task failures vs Lambda", lambdaItems, flinkItems);
    harness.assertMatchesOracle("Flink with task failures", flinkItems);
    assertThat(FlinkHarness.marks(flinkItems)).as("one mark per event").isEqualTo(expectedMarks);
    assertThat(Watch.marksCommitted.get())
        .as("marks written (never more than once per event)")
        .isLessThanOrEqualTo(expectedMarks);
  }

  @Test
  @Order(3)
  void aJobRestartedFromAnOlderCheckpoint_rereadsWhatItHadCounted_andCountsItOnce()
      throws Exception {
    // A live stream: the workload arrives while the job runs, so checkpoints complete along the
    // way (on a stream that is already full, barriers queue behind the backlog).
    String live = harness.createStream(2);
    Thread publisher = harness.publishLive(live, 12);
    EngineTable table = harness.newTable();
    String dir = checkpoints("restart");
    JobClient first = submit(harness.jobConfig(live, table, dir), null);
    try {
      awaitAtLeast(expectedMarks / 3);
      awaitCheckpoints(dir, first, 3);
    } finally {
      cancel(first);
    }
    // Once cancelled, the job's last three checkpoints stay (retained on cancellation).
    Path oldest = completedCheckpoints(dir, first).get(0);
    long countedByFirst = Watch.marksCommitted.get();
    assertThat(countedByFirst).as("the first run stopped midway").isLessThan(expectedMarks);

    // The second job starts from the oldest checkpoint kept, older than what was counted.
    Watch.alreadyCounted.set(0);
    JobClient second = submit(harness.jobConfig(live, table, dir), oldest);
    try {
      publisher.join(TIMEOUT.toMillis());
      FlinkHarness.awaitCounted(table, expectedMarks, second, TIMEOUT);
    } finally {
      cancel(second);
    }
    assertThat(Watch.alreadyCounted.get())
        .as("events the restored job re-read and found counted")
        .isPositive();
    List<Item> flinkItems = table.all();
    FlinkHarness.assertSameItems(
        "Flink restarted from a checkpoint vs Lambda", lambdaItems, flinkItems);
    harness.assertMatchesOracle("Flink restarted from a checkpoint", flinkItems);
    assertThat(FlinkHarness.marks(flinkItems)).as("one mark per event").isEqualTo(expectedMarks);
    assertThat(Watch.marksCommitted.get())
        .as("marks written (never more than once per event)")
        .isLessThanOrEqualTo(expectedMarks);
  }

  // --- running the job ---

  private static JobClient submit(JobConfig config, Path restoreFrom) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    TallyFlinkJob.build(env, config, Watch.wiring());
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName("tally-aggregator-it");
    if (restoreFrom != null) {
      graph.setSavepointRestoreSettings(
          SavepointRestoreSettings.forPath(restoreFrom.toUri().toString(), false));
    }
    return env.executeAsync(graph);
  }

  private static void cancel(JobClient job) throws Exception {
    JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
    if (!status.isGloballyTerminalState()) {
      job.cancel().get(30, TimeUnit.SECONDS);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
      assertThat(System.nanoTime()).as("job stopped").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static String checkpoints(String name) throws IOException {
    Path dir = WORK.resolve("checkpoints").resolve(name + "-" + System.nanoTime());
    Files.createDirectories(dir);
    return dir.toUri().toString();
  }

  /** The job's completed checkpoints, oldest first. */
  private static List<Path> completedCheckpoints(String dir, JobClient job) throws IOException {
    Path root = Path.of(java.net.URI.create(dir)).resolve(job.getJobID().toString());
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> p.getFileName().toString().startsWith("chk-"))
          .filter(p -> Files.exists(p.resolve("_metadata")))
          .sorted(Comparator.comparingLong(FlinkEquivalenceIT::checkpointNumber))
          .toList();
    }
  }

  private static long checkpointNumber(Path p) {
    return Long.parseLong(p.getFileName().toString().substring("chk-".length()));
  }

  private static void awaitCheckpoints(String dir, JobClient job, int n) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (completedCheckpoints(dir, job).size() < n) {
      assertThat(System.nanoTime()).as(n + " checkpoints completed").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static void awaitAtLeast(long marks) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (Watch.marksCommitted.get() < marks) {
      assertThat(System.nanoTime()).as(marks + " events counted").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
