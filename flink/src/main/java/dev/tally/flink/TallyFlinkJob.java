package dev.tally.flink;

import dev.tally.core.config.TallyConfig;
import dev.tally.flink.internal.ManagedFlinkProperties;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.connectors.kinesis.FlinkKinesisConsumer;
import org.apache.flink.streaming.connectors.kinesis.config.AWSConfigConstants;
import org.apache.flink.streaming.connectors.kinesis.config.ConsumerConfigConstants;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The scaling path: Tally's aggregator as a Flink job. Wiring only:
 *
 * <pre>
 * Kinesis (the stream ingest writes) → split by device → key by store#device
 *   → batch per device (N records or T ms; keyed state, checkpointed)
 *   → sink: the device batches a subtask holds (M records or T ms, flushed before each checkpoint)
 *     applied with the aggregator's LogBatch + ItemMetricWriter (core aggregation, marks, guarded
 *     writes)
 * </pre>
 *
 * <p>Checkpointing is on, at least once: the source's shard positions and the batching buffers are
 * checkpointed, and the sink writes synchronously, so a restore re-reads at most what came after
 * the checkpoint. The writer marks each event's message id in its device-day item in the same
 * transaction as its counters, so whatever is read twice is counted once.
 *
 * <p>Run it with {@code flink run} (the shaded {@code tally-flink-job.jar}) on a Flink 1.19 cluster
 * on Java 17 (the CDK's EMR stack does), or locally on a MiniCluster with {@code ./tally flink}. It
 * also reads Managed Flink's runtime properties group {@value ManagedFlinkProperties#GROUP} when
 * present, for a runtime that runs Java 17. Options default to the Lambdas' environment variables.
 */
@Command(
    name = "tally flink",
    mixinStandardHelpOptions = true,
    version = "tally flink 0.1.0",
    sortOptions = false,
    description = {
      "Runs the aggregator as a Flink job:",
      "  Kinesis -> key by store+device -> batch per device -> Tally's writer.",
      "Run as a plain Java program (./tally flink) it starts a local MiniCluster;",
      "under `flink run` (EMR, any Flink 1.19 on Java 17) it runs on that cluster.",
      "Defaults come from the Lambdas' variables: TALLY_STREAM_NAME,",
      "TALLY_METRICS_TABLE, TALLY_STORES_TABLE, TALLY_DLQ_URL, TALLY_SHARDS,",
      "AWS_REGION; emulators: AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_KINESIS,",
      "_DYNAMODB and _SQS.",
      "`tally flink rebuild --help`: the rebuild from the archive as a batch job.",
      ""
    })
public final class TallyFlinkJob implements Callable<Integer> {
  /** What the job jar is called, under {@code flink/target/}. */
  public static final String JAR = "tally-flink-job.jar";

  /** JVM options a Java 17 Flink JVM needs for the Kinesis consumer's checkpoints. */
  public static final String JAVA_OPTS =
      "--add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED";

  @Option(names = "--stream", description = "Kinesis stream to read (env TALLY_STREAM_NAME).")
  String stream;

  @Option(
      names = "--region",
      defaultValue = "${env:AWS_REGION:-us-east-1}",
      description = "AWS region (env AWS_REGION, default ${DEFAULT-VALUE}).")
  String region;

  @Option(
      names = "--metrics-table",
      description = "Metrics table (default: TALLY_METRICS_TABLE, see TallyConfig).")
  String metricsTable;

  @Option(
      names = "--stores-table",
      description = "Stores table (default: TALLY_STORES_TABLE, see TallyConfig).")
  String storesTable;

  @Option(
      names = "--dlq-url",
      description = "SQS queue for records that can never be applied; without it they are logged.")
  String dlqUrl;

  @Option(
      names = "--shards",
      description =
          "Store-day write shards; must match the query side (default: TALLY_SHARDS, see TallyConfig).")
  Integer shards;

  @Option(
      names = "--batch-records",
      defaultValue = "50",
      description = "Apply a device's batch at this many log records (default ${DEFAULT-VALUE}).")
  int batchRecords;

  @Option(
      names = "--batch-wait-ms",
      defaultValue = "200",
      description = "... or this long after its first record (default ${DEFAULT-VALUE}).")
  long batchWaitMs;

  @Option(
      names = "--write-records",
      defaultValue = "100",
      description =
          "A subtask applies the device batches it holds in one write at this many records"
              + " (default ${DEFAULT-VALUE}).")
  int writeRecords;

  @Option(
      names = "--write-wait-ms",
      defaultValue = "200",
      description = "... or this long after the first (default ${DEFAULT-VALUE}).")
  long writeWaitMs;

  @Option(
      names = "--checkpoint-interval-ms",
      defaultValue = "10000",
      description = "Checkpoint interval (default ${DEFAULT-VALUE}).")
  long checkpointIntervalMs;

  @Option(
      names = "--checkpoint-dir",
      description = "Checkpoint storage, e.g. file:///var/tally/checkpoints or s3://bucket/path.")
  String checkpointDir;

  @Option(
      names = "--from-latest",
      description = "Without a checkpoint, start at the stream's tip (default: its oldest record).")
  boolean fromLatest;

  @Option(
      names = "--parallelism",
      defaultValue = "0",
      description = "Job parallelism; 0 keeps the cluster's default (locally: the cores).")
  int parallelism;

  @Option(
      names = "--print-flink-run",
      description = "Print the `flink run` line for these options instead of running the job.")
  boolean printFlinkRun;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The process environment, for the endpoint overrides; read only by {@link #main}. */
  private final Map<String, String> env;

  public TallyFlinkJob(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  public static void main(String[] args) throws Exception {
    String[] effective =
        args.length == 0
            ? ManagedFlinkProperties.args(Path.of(ManagedFlinkProperties.FILE)).orElse(args)
            : args;
    int code = commandLine(System.getenv()).execute(effective);
    // No System.exit: under `flink run` application mode this main runs inside the JobManager.
    if (code != 0) {
      throw new IllegalStateException("tally flink failed (exit code " + code + ")");
    }
  }

  /** The command, with the batch rebuild as its {@code rebuild} subcommand. */
  static CommandLine commandLine(Map<String, String> env) {
    return new CommandLine(new TallyFlinkJob(env))
        .addSubcommand("rebuild", new TallyFlinkRebuild(env));
  }

  @Override
  public Integer call() throws Exception {
    applyEnvironmentDefaults();
    if (stream == null || stream.isBlank()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Missing --stream (or TALLY_STREAM_NAME)");
    }
    JobConfig config = config();
    PrintWriter out = spec.commandLine().getOut();
    if (printFlinkRun) {
      out.println(flinkRunLine(config));
      return 0;
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    if (parallelism > 0) {
      env.setParallelism(parallelism);
    }
    build(env, config, DynamoDbWiring.create());
    out.printf(
        "Starting tally-aggregator on stream %s → %s%n", config.stream(), config.metricsTable());
    out.flush();
    env.execute("tally-aggregator " + config.stream());
    return 0;
  }

  /** Options not given on the command line come from {@link TallyConfig}, the one reader of env. */
  private void applyEnvironmentDefaults() {
    TallyConfig tally = TallyConfig.fromEnv(env);
    stream = stream != null ? stream : tally.streamName().orElse(null);
    metricsTable = metricsTable != null ? metricsTable : tally.metricsTable();
    storesTable = storesTable != null ? storesTable : tally.storesTable();
    dlqUrl = dlqUrl != null ? dlqUrl : tally.dlqUrl().orElse(null);
    shards = shards != null ? shards : tally.shards();
  }

  JobConfig config() {
    applyEnvironmentDefaults();
    String any = env.get("AWS_ENDPOINT_URL");
    return JobConfig.builder(stream)
        .region(region)
        .kinesisEndpoint(firstNonBlank(env.get("AWS_ENDPOINT_URL_KINESIS"), any))
        .dynamoDbEndpoint(firstNonBlank(env.get("AWS_ENDPOINT_URL_DYNAMODB"), any))
        .sqsEndpoint(firstNonBlank(env.get("AWS_ENDPOINT_URL_SQS"), any))
        .metricsTable(metricsTable)
        .storesTable(storesTable)
        .deadLetterQueueUrl(dlqUrl)
        .shards(shards)
        .batchRecords(batchRecords)
        .batchWait(Duration.ofMillis(batchWaitMs))
        .writeRecords(writeRecords)
        .writeWait(Duration.ofMillis(writeWaitMs))
        .checkpointInterval(Duration.ofMillis(checkpointIntervalMs))
        .checkpointDir(checkpointDir)
        .fromLatest(fromLatest)
        .build();
  }

  /**
   * Adds the job to {@code env}: checkpointing, the Kinesis source, the per-device batching and the
   * sink. Tests call this with their own wiring (for example one that injects failures).
   */
  public static void build(
      StreamExecutionEnvironment env, JobConfig config, AggregatorWiring wiring) {
    env.enableCheckpointing(
        config.checkpointInterval().toMillis(), CheckpointingMode.AT_LEAST_ONCE);
    CheckpointConfig checkpoints = env.getCheckpointConfig();
    checkpoints.setMinPauseBetweenCheckpoints(config.checkpointInterval().toMillis() / 2);
    // Kept when the job is cancelled, so it can be restarted from its last checkpoint.
    checkpoints.setExternalizedCheckpointCleanup(
        CheckpointConfig.ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION);
    if (config.checkpointDir() != null) {
      checkpoints.setCheckpointStorage(config.checkpointDir());
    }
    // Key groups are fixed for the job's life: room to scale out to 128 subtasks.
    if (env.getMaxParallelism() <= 0) {
      env.setMaxParallelism(128);
    }
    env.addSource(kinesisSource(config))
        .uid("kinesis-source")
        .name("Kinesis " + config.stream())
        .flatMap(new SplitByDevice())
        .uid("split-by-device")
        .name("split by device")
        .keyBy(r -> r.key, Types.STRING)
        .process(new DeviceBatcher(config.batchRecords(), config.batchWait()))
        .uid("batch-per-device")
        .name("batch per device")
        .sinkTo(new TallySink(config, wiring))
        .uid("tally-metric-writer")
        .name("Tally metric writer");
  }

  /** The Flink Kinesis consumer on the job's stream (polling; its shard positions checkpointed). */
  public static FlinkKinesisConsumer<LogRecord> kinesisSource(JobConfig c) {
    Properties p = new Properties();
    p.setProperty(AWSConfigConstants.AWS_REGION, c.region());
    if (c.kinesisEndpoint() != null) {
      p.setProperty(AWSConfigConstants.AWS_ENDPOINT, c.kinesisEndpoint());
      String host = URI.create(c.kinesisEndpoint()).getHost();
      if (host != null && !host.endsWith("amazonaws.com")) {
        // An emulator accepts any credentials (as AwsEndpoints does for the SDK v2 clients).
        p.setProperty(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER, "BASIC");
        p.setProperty(
            AWSConfigConstants.accessKeyId(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER), "tally");
        p.setProperty(
            AWSConfigConstants.secretKey(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER), "tally");
      }
    }
    p.setProperty(
        ConsumerConfigConstants.STREAM_INITIAL_POSITION,
        c.fromLatest() ? "LATEST" : "TRIM_HORIZON");
    return new FlinkKinesisConsumer<>(c.stream(), new LogRecordSchema(), p);
  }

  /**
   * The {@code flink run} line for this config. The JVM options matter when the cluster's JVMs are
   * Java 17 and started without them (Flink's own scripts add them by default); with an emulated
   * Kinesis, CBOR must be off as well.
   */
  static String flinkRunLine(JobConfig c) {
    List<String> args = new ArrayList<>();
    args.add("--stream " + c.stream());
    args.add("--region " + c.region());
    args.add("--metrics-table " + c.metricsTable());
    args.add("--stores-table " + c.storesTable());
    if (c.deadLetterQueueUrl() != null) {
      args.add("--dlq-url " + c.deadLetterQueueUrl());
    }
    args.add("--shards " + c.shards());
    if (c.checkpointDir() != null) {
      args.add("--checkpoint-dir " + c.checkpointDir());
    }
    StringBuilder env = new StringBuilder();
    String opts = JAVA_OPTS;
    if (c.kinesisEndpoint() != null) {
      env.append("AWS_CBOR_DISABLE=true AWS_ENDPOINT_URL_KINESIS=")
          .append(c.kinesisEndpoint())
          .append(' ');
      opts += " -Daws.cborEnabled=false";
    }
    if (c.dynamoDbEndpoint() != null) {
      env.append("AWS_ENDPOINT_URL_DYNAMODB=").append(c.dynamoDbEndpoint()).append(' ');
    }
    if (c.sqsEndpoint() != null) {
      env.append("AWS_ENDPOINT_URL_SQS=").append(c.sqsEndpoint()).append(' ');
    }
    return env
        + "flink run \\\n"
        + "  -Denv.java.opts.all=\""
        + opts
        + "\" \\\n"
        + "  -c "
        + TallyFlinkJob.class.getName()
        + " flink/target/"
        + JAR
        + " \\\n  "
        + String.join(" ", args);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  static String firstNonBlank(String a, String b) {
    return !blank(a) ? a : b;
  }
}
