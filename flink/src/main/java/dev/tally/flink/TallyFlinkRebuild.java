package dev.tally.flink;

import dev.tally.core.config.TallyConfig;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.opensearch.archive.ArchiveFilter;
import dev.tally.opensearch.archive.ArchiveSource;
import dev.tally.opensearch.archive.LocalArchive;
import dev.tally.opensearch.archive.S3Archive;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The rebuild as a Flink batch job: re-derives a store's aggregates for a range of days from the
 * raw-event archive, through the same writer as the streaming job. Wiring only:
 *
 * <pre>
 * the store's archive files (listed here, on the client, with the archive's own filter)
 *   → read each file, keep the store's events of the range (RebuildFilter), one record per device
 *   → key by store#device → one batch per device (DeviceBatcher; in BATCH mode its timers fire at
 *     the end of each key) → TallySink (LogBatch, suppressed people dropped, ItemMetricWriter)
 * </pre>
 *
 * <p>In place and idempotent: the writer's marks skip events already counted, so a repeated or
 * failed-and-rerun job counts each event once. For a fresh rebuild point {@code --metrics-table} at
 * a staging table and let the CLI switch it ({@code tally rebuild --help}).
 */
@Command(
    name = "rebuild", // the subcommand of `tally flink`; main() names it in full
    mixinStandardHelpOptions = true,
    version = "tally flink 0.1.0",
    sortOptions = false,
    description = {
      "Rebuilds a store's aggregates for a range of days from the raw-event archive",
      "as a Flink batch job, with the same writer as live counting (in place; the",
      "writer's marks skip counted events, so it is safe to repeat).",
      "As ./tally flink rebuild it runs on a local MiniCluster; under",
      "`flink run -c dev.tally.flink.TallyFlinkRebuild` on that cluster.",
      "Defaults come from the Lambdas' variables: TALLY_METRICS_TABLE,",
      "TALLY_STORES_TABLE, TALLY_SHARDS, AWS_REGION; emulators: AWS_ENDPOINT_URL or",
      "AWS_ENDPOINT_URL_DYNAMODB and _S3.",
      ""
    })
public final class TallyFlinkRebuild implements Callable<Integer> {
  @Option(names = "--store", required = true, description = "Store id.")
  String store;

  @Option(names = "--from", required = true, description = "First store-local day, YYYY-MM-DD.")
  LocalDate from;

  @Option(
      names = "--to",
      required = true,
      description = "Last store-local day, YYYY-MM-DD (both widened to whole months and weeks).")
  LocalDate to;

  @Option(
      names = "--archive",
      required = true,
      description = "The raw-event archive: a directory or s3://bucket/prefix.")
  String archive;

  @Option(
      names = "--region",
      defaultValue = "${env:AWS_REGION:-us-east-1}",
      description = "AWS region (env AWS_REGION, default ${DEFAULT-VALUE}).")
  String region;

  @Option(
      names = "--metrics-table",
      description = "Metrics table to write (default: TALLY_METRICS_TABLE, see TallyConfig).")
  String metricsTable;

  @Option(
      names = "--stores-table",
      description = "Stores table (default: TALLY_STORES_TABLE, see TallyConfig).")
  String storesTable;

  @Option(
      names = "--shards",
      description =
          "Store-day write shards; must match the query side (default: TALLY_SHARDS, see TallyConfig).")
  Integer shards;

  @Option(
      names = "--batch-records",
      defaultValue = "50",
      description = "A device's records per batch at most (default ${DEFAULT-VALUE}).")
  int batchRecords;

  @Option(
      names = "--write-records",
      defaultValue = "100",
      description = "Records a subtask applies in one write (default ${DEFAULT-VALUE}).")
  int writeRecords;

  @Option(
      names = "--parallelism",
      defaultValue = "0",
      description = "Job parallelism; 0 keeps the cluster's default (locally: the cores).")
  int parallelism;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * The process environment, for table names and endpoint overrides; read only by {@link #main}.
   */
  private final Map<String, String> env;

  public TallyFlinkRebuild(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** What a run did. */
  public record Summary(int files, long events) {}

  public static void main(String[] args) throws Exception {
    int code =
        new CommandLine(new TallyFlinkRebuild(System.getenv()))
            .setCommandName("tally flink rebuild")
            .execute(args);
    // No System.exit: under `flink run` application mode this main runs inside the JobManager.
    if (code != 0) {
      throw new IllegalStateException("tally flink rebuild failed (exit code " + code + ")");
    }
  }

  @Override
  public Integer call() throws Exception {
    RebuildConfig config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment();
    if (parallelism > 0) {
      flink.setParallelism(parallelism);
    }
    out.printf(
        "Rebuilding %s from %s to %s (widened from %s..%s) out of %s into %s%n",
        config.store(),
        config.range().from(),
        config.range().to(),
        from,
        to,
        config.archive(),
        config.job().metricsTable());
    out.flush();
    Summary s = run(flink, config, DynamoDbWiring.create());
    out.printf("Done: %d archive file(s) read, %d event(s) applied%n", s.files(), s.events());
    return 0;
  }

  /** Options not given on the command line come from {@link TallyConfig}, the one reader of env. */
  RebuildConfig config() {
    TallyConfig tally = TallyConfig.fromEnv(env);
    String any = env.get("AWS_ENDPOINT_URL");
    JobConfig job =
        JobConfig.builder(archive == null || archive.isBlank() ? "archive" : archive)
            .region(region)
            .dynamoDbEndpoint(
                TallyFlinkJob.firstNonBlank(env.get("AWS_ENDPOINT_URL_DYNAMODB"), any))
            .sqsEndpoint(TallyFlinkJob.firstNonBlank(env.get("AWS_ENDPOINT_URL_SQS"), any))
            .metricsTable(metricsTable != null ? metricsTable : tally.metricsTable())
            .storesTable(storesTable != null ? storesTable : tally.storesTable())
            .shards(shards != null ? shards : tally.shards())
            .batchRecords(batchRecords)
            .writeRecords(writeRecords)
            .build();
    return new RebuildConfig(
        store,
        from,
        to,
        archive,
        TallyFlinkJob.firstNonBlank(env.get("AWS_ENDPOINT_URL_S3"), any),
        job);
  }

  /**
   * Lists the store's archive files, checks the store exists, and runs the batch job on {@code
   * flink} to its end. Tests call this with their own environment and wiring.
   */
  public static Summary run(
      StreamExecutionEnvironment flink, RebuildConfig config, AggregatorWiring wiring)
      throws Exception {
    List<ArchiveFileRef> files = list(config);
    try (DynamoDbClient ddb = config.endpoints().dynamoDb()) {
      new ItemStoreRegistry(
              DynamoDbItemStore.keyOnly(ddb, config.job().storesTable(), Clock.systemUTC()))
          .find(config.store())
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "no store '"
                          + config.store()
                          + "' in the stores table "
                          + config.job().storesTable()));
    }
    if (files.isEmpty()) {
      return new Summary(0, 0);
    }
    build(flink, config, files, wiring);
    JobExecutionResult result =
        flink.execute(
            "tally-rebuild "
                + config.store()
                + " "
                + config.range().from()
                + ".."
                + config.range().to());
    Long events = result.getAccumulatorResult(ReadArchiveFile.EVENTS);
    return new Summary(files.size(), events == null ? 0 : events);
  }

  /**
   * The files that may hold the store's events of the range: the store's partitions from a few days
   * before the range on (events arrive late, never early), as the embedded rebuild lists them.
   */
  static List<ArchiveFileRef> list(RebuildConfig config) {
    ArchiveFilter filter =
        new ArchiveFilter(
            Optional.of(config.store()), Optional.of(config.range().from()), Optional.empty());
    if (config.archive().startsWith("s3://")) {
      try (S3Client s3 = S3Archive.client(config.endpoints())) {
        return refs(S3Archive.of(s3, config.archive()), filter);
      }
    }
    return refs(new LocalArchive(Path.of(config.archive())), filter);
  }

  private static List<ArchiveFileRef> refs(ArchiveSource archive, ArchiveFilter filter) {
    return archive.list(filter).stream().map(ArchiveFileRef::of).toList();
  }

  /**
   * Adds the batch job to {@code flink}: the files, the reader, the per-device batching, the sink.
   */
  public static void build(
      StreamExecutionEnvironment flink,
      RebuildConfig config,
      List<ArchiveFileRef> files,
      AggregatorWiring wiring) {
    // Bounded input, no checkpoints: keyed inputs are sorted by key, so each device's records reach
    // DeviceBatcher together, and its processing-time timers fire when its key ends (and at the end
    // of input), so nothing stays buffered; the sink flushes at the end of input too.
    flink.setRuntimeMode(RuntimeExecutionMode.BATCH);
    JobConfig job = config.job();
    flink
        .fromCollection(files, TypeInformation.of(ArchiveFileRef.class))
        .name("archive files of " + config.store())
        .rebalance() // the listing is one task; the reading is spread over all of them
        .flatMap(new ReadArchiveFile(config))
        .name("read archive files, keep the range's events")
        .keyBy(r -> r.key, Types.STRING)
        .process(new DeviceBatcher(job.batchRecords(), job.batchWait()))
        .name("batch per device")
        .sinkTo(new TallySink(job, wiring))
        .name("Tally metric writer");
  }
}
