package dev.tally.app.cli;

import dev.tally.aggregator.rebuild.Rebuild;
import dev.tally.app.rebuild.StagedRebuild;
import dev.tally.core.config.TallyConfig;
import dev.tally.core.error.TallyException;
import dev.tally.core.regulation.ItemSuppressionList;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.dynamodb.DynamoDbItemTables;
import dev.tally.opensearch.archive.ArchiveSource;
import dev.tally.opensearch.archive.LocalArchive;
import dev.tally.opensearch.archive.S3Archive;
import dev.tally.sqlite.SqliteDatabase;
import dev.tally.sqlite.SqliteEventLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code tally rebuild}: re-derive a store's aggregates for a range of days from the archive. */
@Command(
    name = "rebuild",
    mixinStandardHelpOptions = true,
    description = {
      "Re-derive every aggregate of a store for a range of days (widened to whole months and"
          + " weeks) from the raw-event archive, with the same aggregation and writer as live"
          + " counting. Suppressed people's events are left out.",
      "--into fresh (default) aggregates into a new staging table, switches the store's items of"
          + " the range to it, then counts what live aggregation wrote meanwhile: use it to give"
          + " a new metric its history. --into in-place counts only what is missing (the"
          + " writer's marks skip counted events): a repair, safe to repeat.",
      "--engine embedded (default): the data directory of `tally up` (archive and log); the"
          + " switch is one transaction, so readers never see a mix. It works beside a running"
          + " `tally up`.",
      "--engine aws: DynamoDB (TALLY_METRICS_TABLE, TALLY_STORES_TABLE; AWS_ENDPOINT_URL for"
          + " LocalStack) and the archive at --archive (s3://bucket/prefix, or a directory)."
          + " The staging table is an on-demand table beside the metrics table; the switch goes"
          + " item by item (readers may see some days rebuilt before others for its duration),"
          + " then waits --settle for the archive's buffer and counts again from the archive"
          + " what live aggregation wrote meanwhile.",
      "Resumes where an interrupted run with the same arguments stopped (--restart to start"
          + " over).",
      "Exit code 0: done; 2: stopped by an error (run it again to resume)."
    },
    sortOptions = false)
public final class RebuildCommand implements Callable<Integer> {
  @Option(names = "--store", required = true, description = "store id")
  String store;

  @Option(names = "--from", required = true, description = "first store-local day, YYYY-MM-DD")
  LocalDate from;

  @Option(names = "--to", required = true, description = "last store-local day, YYYY-MM-DD")
  LocalDate to;

  @Option(
      names = "--into",
      defaultValue = "fresh",
      description = "fresh or in-place (default: ${DEFAULT-VALUE})")
  String into;

  @Option(
      names = "--engine",
      defaultValue = "embedded",
      description = "embedded or aws (default: ${DEFAULT-VALUE})")
  String engine;

  @Option(
      names = "--data",
      defaultValue = "data",
      description = "embedded: the data directory of tally up (default: ${DEFAULT-VALUE})")
  Path data;

  @Option(
      names = "--archive",
      description =
          "aws: the raw-event archive, s3://bucket/prefix or a directory holding a copy of it")
  String archive;

  @Option(
      names = "--settle",
      defaultValue = "6m",
      converter = Durations.class,
      description =
          "aws, fresh: wait this long after the switch before the catch-up, so the archive's"
              + " buffer (Firehose: 5 minutes) has been delivered (default: ${DEFAULT-VALUE})")
  Duration settle;

  @Option(
      names = "--state",
      description =
          "where progress is kept for a resume (default: DATA/rebuild embedded, ./tally-rebuild"
              + " on aws)")
  Path stateDir;

  @Option(
      names = "--prepare",
      description =
          "fresh: only create and seed the staging table and print its name, for the Flink batch"
              + " job (flink/README.md) to aggregate into; then run again with --switch")
  boolean prepare;

  @Option(
      names = "--switch",
      description =
          "fresh: only switch to the staging table --prepare made (and the Flink job filled),"
              + " catch up and drop it")
  boolean switchOnly;

  @Option(
      names = "--shards",
      defaultValue = "4",
      description =
          "store-day write shards, as TALLY_SHARDS of the stack (default: ${DEFAULT-VALUE})")
  int shards;

  @Option(names = "--restart", description = "ignore saved progress and start over")
  boolean restart;

  @Option(names = "--no-progress", description = "no progress bar")
  boolean noProgress;

  @Override
  public Integer call() {
    return run(System.getenv());
  }

  /** Runs with these environment variables (the AWS engine's settings). */
  int run(Map<String, String> env) {
    StagedRebuild.Into mode;
    switch (into.toLowerCase(Locale.ROOT)) {
      case "fresh" -> mode = StagedRebuild.Into.FRESH;
      case "in-place", "inplace", "in_place" -> mode = StagedRebuild.Into.IN_PLACE;
      default -> {
        System.err.println("tally rebuild: --into must be fresh or in-place, not '" + into + "'");
        return 2;
      }
    }
    if (from.isAfter(to)) {
      System.err.println("tally rebuild: --from " + from + " is after --to " + to);
      return 2;
    }
    try {
      return switch (engine.toLowerCase(Locale.ROOT)) {
        case "embedded" -> embedded(mode);
        case "aws" -> aws(mode, env);
        default -> {
          System.err.println(
              "tally rebuild: --engine must be embedded or aws, not '" + engine + "'");
          yield 2;
        }
      };
    } catch (TallyException
        | IllegalArgumentException
        | IllegalStateException
        | java.io.UncheckedIOException
        | SdkException e) {
      System.err.println("tally rebuild: " + e.getMessage());
      return 2;
    }
  }

  private int embedded(StagedRebuild.Into mode) {
    if (prepare || switchOnly) {
      System.err.println(
          "tally rebuild: --prepare and --switch are for --engine aws (a Flink job aggregates in"
              + " between); the embedded rebuild does all of it in one run");
      return 2;
    }
    if (!Files.exists(data.resolve("tally.db"))) {
      System.err.println(
          "tally rebuild: no Tally data in " + data.toAbsolutePath() + " (use --data DIR)");
      return 2;
    }
    try (SqliteDatabase db =
            SqliteDatabase.open(
                data.resolve("tally.db"),
                SqliteDatabase.Options.defaults().withPurgeEvery(Duration.ZERO));
        SqliteEventLog log =
            Files.exists(data.resolve("log.db"))
                ? SqliteEventLog.open(data.resolve("log.db"))
                : null;
        Bar bar = new Bar(noProgress)) {
      Store s = find(new ItemStoreRegistry(db.table("stores")), data.toString());
      StagedRebuild.Result r =
          StagedRebuild.embedded(
                  db,
                  data.resolve("archive"),
                  log,
                  new ItemSuppressionList(db.table("stores"), Clock.systemUTC()))
              .run(config(s, mode, data.resolve("rebuild")), bar);
      bar.close();
      report(s, mode, r);
      return 0;
    }
  }

  /** On AWS: DynamoDB and an S3 (or copied) archive, from the Lambdas' variables. */
  private int aws(StagedRebuild.Into mode, Map<String, String> env) {
    if (archive == null || archive.isBlank()) {
      System.err.println(
          "tally rebuild: --engine aws needs --archive s3://bucket/prefix (or a directory)");
      return 2;
    }
    TallyConfig config = TallyConfig.fromEnv(env);
    AwsEndpoints aws = AwsEndpoints.fromEnv(env);
    DynamoDbClient ddb = aws.dynamoDb();
    ArchiveSource source =
        archive.startsWith("s3://")
            ? S3Archive.of(S3Archive.client(aws), archive)
            : new LocalArchive(Path.of(archive));
    DynamoDbItemStore stores =
        DynamoDbItemStore.keyOnly(ddb, config.storesTable(), Clock.systemUTC());
    try (Bar bar = new Bar(noProgress)) {
      Store s = find(new ItemStoreRegistry(stores), "table " + config.storesTable());
      StagedRebuild.Result r =
          StagedRebuild.aws(
                  new DynamoDbItemTables(ddb, config.metricsTable(), Clock.systemUTC()),
                  source,
                  mode == StagedRebuild.Into.FRESH ? settle : Duration.ZERO,
                  new ItemSuppressionList(stores, Clock.systemUTC()))
              .run(
                  config(s, mode, Path.of("tally-rebuild")),
                  bar,
                  wait ->
                      System.err.printf(
                          "Switched; waiting %s for the archive's buffer before the catch-up%n",
                          wait));
      bar.close();
      if (prepare) {
        System.out.printf(
            "Staging table %s is ready for %s from %s to %s. Aggregate into it (flink run -c"
                + " dev.tally.flink.TallyFlinkRebuild … --metrics-table %s), then run this command"
                + " again with --switch instead of --prepare.%n",
            r.table(), s.id(), r.range().from(), r.range().to(), r.table());
        return 0;
      }
      report(s, mode, r);
      return 0;
    }
  }

  private Store find(ItemStoreRegistry registry, String where) {
    return registry
        .find(store)
        .orElseThrow(() -> new IllegalArgumentException("no store '" + store + "' in " + where));
  }

  private StagedRebuild.Config config(Store s, StagedRebuild.Into mode, Path defaultState) {
    if (prepare && switchOnly) {
      throw new IllegalArgumentException("--prepare and --switch are two runs, not one");
    }
    return new StagedRebuild.Config(
        stateDir != null ? stateDir : defaultState,
        s,
        from,
        to,
        mode,
        restart,
        shards,
        prepare
            ? StagedRebuild.Phase.PREPARE
            : switchOnly ? StagedRebuild.Phase.SWITCH : StagedRebuild.Phase.ALL);
  }

  private static void report(Store s, StagedRebuild.Into mode, StagedRebuild.Result r) {
    System.out.printf(
        "Rebuilt %s from %s to %s (%s): %d part(s) read (%d done earlier), %d event(s),"
            + " %d newly counted%s%n",
        s.id(),
        r.range().from(),
        r.range().to(),
        mode == StagedRebuild.Into.FRESH ? "fresh table " + r.table() : "in place",
        r.summary().parts(),
        r.summary().skippedParts(),
        r.summary().events(),
        r.summary().counted(),
        mode == StagedRebuild.Into.FRESH ? ", " + r.switchedItems() + " item(s) switched" : "");
  }

  /** A progress bar over the source's bytes, on stderr. */
  static final class Bar extends ByteProgressBar implements Rebuild.Progress {
    Bar(boolean quiet) {
      super("rebuild", quiet);
    }

    @Override
    public void started(long totalBytes, long doneBytes, int parts, int doneParts) {
      System.err.printf(
          "%d part(s), %.1f MB (%d done by an earlier run)%n", parts, totalBytes / 1e6, doneParts);
      start(totalBytes, doneBytes);
    }

    @Override
    public void advanced(long bytes) {
      step(bytes);
    }
  }
}
