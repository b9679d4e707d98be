package dev.tally.flink;

import dev.tally.core.item.InMemoryItemStore;
import dev.tally.core.item.ItemStore;
import dev.tally.testkit.EngineTable;
import dev.tally.testkit.metrics.ShopTraffic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The figure behind BENCHMARKS.md's Flink section, run by hand (not part of the build): the same
 * workload counted by the Kinesis Lambda handler in-process and by the Flink job on a MiniCluster,
 * on the same engine (dynalite) and machine; then both again on the in-memory engine, which shows
 * what each path costs by itself. Run:
 *
 * <pre>
 * ./mvnw -B -o -pl flink -am verify -Dspotless.check.skip=true -Dtest=NONE \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=FlinkThroughputBench \
 *   -Dfailsafe.failIfNoSpecifiedTests=false [-Dbench.events=2000] [-Dbench.parallelism=2]
 * </pre>
 *
 * The table is printed and written to {@code flink/target/flink-bench.md}.
 */
class FlinkThroughputBench {
  static final int EVENTS_PER_STORE = Integer.getInteger("bench.events", 2_000);
  static final int PARALLELISM = Integer.getInteger("bench.parallelism", 2);
  static final Path WORK = Path.of("target", "flink-bench").toAbsolutePath();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(PARALLELISM)
              .setConfiguration(config())
              .build());

  /** The in-memory engine the Flink job's subtasks share in the engine-free run. */
  static final InMemoryItemStore SHARED = new InMemoryItemStore(Clock.systemUTC());

  static Configuration config() {
    return FlinkHarness.tmpUnder(WORK);
  }

  @AfterAll
  static void clean() throws Exception {
    FlinkEquivalenceIT.deleteTree(WORK.resolve("tmp"));
  }

  @Test
  void lambdaHandlerAndFlinkJob_eventsPerSecond() throws Exception {
    List<String> rows = new ArrayList<>();
    try (FlinkHarness h =
        new FlinkHarness(ShopTraffic.standard(LocalDate.of(2025, 3, 20), EVENTS_PER_STORE))) {
      h.publish(h.createStream(2));
      var shards = h.readShards();
      int events = h.traffic.eventCount();
      int records = shards.stream().mapToInt(List::size).sum();
      long marks = h.uniqueActivityEvents();

      // Warm-up: one small Lambda pass on a throwaway table (class loading, JIT).
      h.runKinesisHandler(List.of(shards.get(0).subList(0, 100)), h.newTable(), 100);

      EngineTable lambdaTable = h.newTable();
      Watch.reset();
      double lambda = h.runKinesisHandler(shards, watched(lambdaTable), 100);
      rows.add(
          row(
              "Lambda Kinesis handler, in-process, batches of 100",
              "dynalite",
              lambda,
              0,
              Watch.writeCalls.get() * 1000.0 / events));

      EngineTable flinkTable = h.newTable();
      double[] flink = runFlink(h, flinkTable, marks, null);
      rows.add(
          row(
              "Flink job, MiniCluster, parallelism " + PARALLELISM,
              "dynalite",
              flink[0],
              flink[1],
              Watch.writeCalls.get() * 1000.0 / events));
      FlinkHarness.assertSameItems("bench: Flink vs Lambda", lambdaTable.all(), flinkTable.all());

      InMemoryItemStore lambdaMemory = new InMemoryItemStore(Clock.systemUTC());
      double lambdaMem =
          h.runKinesisHandler(shards, new EngineTable("memory", lambdaMemory, List::of), 100);
      rows.add(
          row("Lambda Kinesis handler, in-process, batches of 100", "in-memory", lambdaMem, 0, 0));
      double[] flinkMem = runFlink(h, h.newTable(), marks, SHARED);
      rows.add(
          row(
              "Flink job, MiniCluster, parallelism " + PARALLELISM,
              "in-memory",
              flinkMem[0],
              flinkMem[1],
              0));

      String table =
          String.format(
              "Workload: ShopTraffic.standard, %,d events per store, 2 stores: %,d events in %,d"
                  + " Kinesis records (2 shards), %,d distinct counted events.%n%n"
                  + "| Path | Engine | events/s (whole run) | events/s (first to last write) |"
                  + " write calls / 1k events |%n"
                  + "|---|---|---:|---:|---:|%n%s%n",
              EVENTS_PER_STORE, events, records, marks, String.join("\n", rows));
      System.out.println(table);
      Files.writeString(Path.of("target", "flink-bench.md"), table);
    }
  }

  /** Runs the job until every event is counted: {events/s of the run, events/s of the writes}. */
  private static double[] runFlink(
      FlinkHarness h, EngineTable table, long marks, InMemoryItemStore memory) throws Exception {
    Watch.reset();
    JobConfig config =
        h
            .jobConfig(
                h.stream,
                table,
                WORK.resolve("checkpoints-" + System.nanoTime()).toUri().toString())
            .toBuilder()
            .checkpointInterval(Duration.ofSeconds(10))
            .batchWait(Duration.ofMillis(200))
            .batchRecords(50)
            .build();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);
    AggregatorWiring wiring =
        memory == null
            ? Watch.wiring()
            : DynamoDbWiring.create()
                .decorateMetrics(FlinkThroughputBench::shared)
                .decorateWriter(Watch.Writer::new);
    TallyFlinkJob.build(env, config, wiring);
    long start = System.nanoTime();
    JobClient job = env.executeAsync("tally-aggregator-bench");
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (Watch.counted.get() < marks) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("bench run did not finish");
        }
        Thread.sleep(20);
      }
    } finally {
      job.cancel().get(30, TimeUnit.SECONDS);
    }
    long end = System.nanoTime();
    double whole = h.traffic.eventCount() / ((end - start) / 1e9);
    long first = Watch.firstWriteNanos.get();
    double writes =
        first == 0 ? 0 : h.traffic.eventCount() / ((Watch.lastWriteNanos.get() - first) / 1e9);
    return new double[] {whole, writes};
  }

  /** The shared in-memory store, whatever engine the wiring built (the engine-free run). */
  private static ItemStore shared(ItemStore ignored) {
    return new Watch.Store(SHARED);
  }

  private static String row(
      String path, String engine, double whole, double writes, double callsPerThousand) {
    return String.format(
        "| %s | %s | %,.0f | %s | %s |",
        path,
        engine,
        whole,
        writes == 0 ? "n/a" : String.format("%,.0f", writes),
        callsPerThousand == 0 ? "n/a" : String.format("%,.0f", callsPerThousand));
  }

  private static EngineTable watched(EngineTable t) {
    return new EngineTable(t.engine(), new Watch.Store(t.store()), t::all);
  }
}
