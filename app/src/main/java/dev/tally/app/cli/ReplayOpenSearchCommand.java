package dev.tally.app.cli;

import dev.tally.core.error.TallyException;
import dev.tally.core.store.Store;
import dev.tally.core.store.StoreRegistry;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.opensearch.archive.ArchiveFilter;
import dev.tally.opensearch.archive.ArchiveSource;
import dev.tally.opensearch.archive.LocalArchive;
import dev.tally.opensearch.archive.S3Archive;
import dev.tally.opensearch.index.IndexNames;
import dev.tally.opensearch.index.OpenSearch;
import dev.tally.opensearch.replay.Replay;
import dev.tally.opensearch.replay.ReplayConfig;
import dev.tally.opensearch.replay.ReplaySummary;
import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code tally replay opensearch}: the archive into OpenSearch, idempotent and resumable. */
@Command(
    name = "opensearch",
    mixinStandardHelpOptions = true,
    description = {
      "Bulk-index the raw-event archive into OpenSearch: monthly indexes {prefix}-events-YYYY.MM"
          + " (by each event's store-local day), a filtered alias {prefix}-store-{id} per store,"
          + " and _id = {store}:{messageId}, so replaying again, or overlapping ranges, never"
          + " makes a second copy.",
      "Resumes where an interrupted run with the same arguments stopped (--restart to read"
          + " everything again); documents OpenSearch refuses go to a bad-rows file.",
      "Works while `tally up` runs on the same data directory.",
      "Exit code 0: done (bad rows, if any, are listed); 2: stopped by an error (run it again to"
          + " resume)."
    },
    sortOptions = false)
public final class ReplayOpenSearchCommand implements Callable<Integer> {
  @Option(
      names = "--url",
      required = true,
      description = "OpenSearch, e.g. http://127.0.0.1:9200 (user:password@ for basic auth)")
  URI url;

  @Option(names = "--store", description = "only this store (default: every store)")
  String store;

  @Option(names = "--from", description = "first store-local day, YYYY-MM-DD (default: the oldest)")
  LocalDate from;

  @Option(names = "--to", description = "last store-local day, YYYY-MM-DD (default: the newest)")
  LocalDate to;

  static final class Source {
    @Option(
        names = "--data",
        description = "Tally's data directory; its archive is DIR/archive (default: data)")
    Path data;

    @Option(
        names = "--archive",
        description = "an archive elsewhere: a directory or s3://bucket/prefix")
    String archive;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Source source = new Source();

  @Option(
      names = "--bulk-mb",
      description = "bulk request size in MB (default: ${DEFAULT-VALUE})",
      defaultValue = "5")
  double bulkMb;

  @Option(
      names = "--concurrency",
      description =
          "bulk requests in flight at once while the next is built; 1 sends one at a time"
              + " (default: ${DEFAULT-VALUE})",
      defaultValue = "" + ReplayConfig.DEFAULT_CONCURRENCY)
  int concurrency;

  @Option(
      names = "--index-prefix",
      description = "index, template and alias prefix (default: ${DEFAULT-VALUE})",
      defaultValue = IndexNames.DEFAULT_PREFIX)
  String prefix;

  @Option(
      names = "--replicas",
      description = "replicas of new indexes (default: ${DEFAULT-VALUE}, right for one node)",
      defaultValue = "0")
  int replicas;

  @Option(
      names = "--timezone",
      description = "time zone of stores not in the local data directory (default: UTC)")
  String timezone;

  @Option(
      names = "--currency",
      description = "currency of stores not in the local data directory (default: USD)")
  String currency;

  @Option(
      names = "--state-dir",
      description = "where progress is kept for resuming (default: DATA/replay)")
  Path stateDir;

  @Option(
      names = "--bad-rows",
      description = "where refused documents are written (default: STATE_DIR/bad-rows.jsonl)")
  Path badRows;

  @Option(
      names = "--restart",
      description = "ignore saved progress and read the whole archive again")
  boolean restart;

  @Option(names = "--no-progress", description = "no progress bar")
  boolean noProgress;

  @Override
  public Integer call() {
    Path data = source.data != null ? source.data : Path.of("data");
    Path state = stateDir != null ? stateDir : data.resolve("replay");
    ArchiveFilter filter =
        new ArchiveFilter(
            Optional.ofNullable(store), Optional.ofNullable(from), Optional.ofNullable(to));
    ReplayConfig config =
        ReplayConfig.defaults(state)
            .withNames(new IndexNames(prefix))
            .withFilter(filter)
            .withBulkBytes((long) (bulkMb * 1024 * 1024))
            .withConcurrency(concurrency)
            .withBadRowsFile(badRows != null ? badRows : state.resolve("bad-rows.jsonl"))
            .withRestart(restart)
            .withReplicas(replicas);
    Optional<LocalData> local = LocalData.open(data);
    try (OpenSearch os = OpenSearch.connect(url);
        ProgressListener progress = new ProgressListener(noProgress)) {
      ArchiveSource archive = archive(data);
      StoreRegistry registry = local.map(LocalData::stores).orElse(null);
      System.err.println("Replaying " + archive.describe() + " into " + os.describe());
      ReplaySummary summary =
          new Replay(archive, os, id -> store(registry, id), config, progress)
              .suppressing(
                  local
                      .map(LocalData::suppressions)
                      .orElse(dev.tally.core.regulation.SuppressionList.NONE))
              .run(url.toString());
      progress.close();
      System.out.println(summary.describe());
      if (summary.badRows() > 0) {
        System.out.println("Bad rows: " + config.badRowsFile());
      }
      return 0;
    } catch (TallyException | IllegalArgumentException | java.io.UncheckedIOException e) {
      // Progress so far is saved: the same command resumes after the cause is fixed.
      System.err.println("tally replay opensearch: " + e.getMessage());
      return 2;
    } finally {
      local.ifPresent(LocalData::close);
    }
  }

  private ArchiveSource archive(Path data) {
    if (source.archive == null) {
      return new LocalArchive(data.resolve("archive"));
    }
    if (source.archive.startsWith("s3://")) {
      S3Client s3 = S3Archive.client(AwsEndpoints.fromEnv(System.getenv()));
      return S3Archive.of(s3, source.archive);
    }
    return new LocalArchive(Path.of(source.archive));
  }

  private Store store(StoreRegistry registry, String id) {
    Optional<Store> found = registry == null ? Optional.empty() : registry.find(id);
    if (found.isPresent() && timezone == null && currency == null) {
      return found.get();
    }
    Store s =
        Store.of(
            id,
            timezone != null ? timezone : found.map(f -> f.timezone().getId()).orElse("UTC"),
            currency != null
                ? currency
                : found.map(f -> f.currency().getCurrencyCode()).orElse("USD"),
            List.of());
    if (found.isEmpty()) {
      System.err.println(
          "store "
              + id
              + " is not in the local data directory: days in "
              + s.timezone()
              + ", orders in "
              + s.currency());
    }
    return s;
  }

  /** A progress bar over compressed bytes, on stderr. */
  static final class ProgressListener extends ByteProgressBar implements Replay.Listener {
    ProgressListener(boolean quiet) {
      super("replay", quiet);
    }

    @Override
    public void started(long totalBytes, long alreadyDoneBytes, int files, int filesDone) {
      System.err.printf(
          "%d archive files, %.1f MB (%d files done by an earlier run)%n",
          files, totalBytes / 1e6, filesDone);
      start(totalBytes, alreadyDoneBytes);
    }

    @Override
    public void read(long bytes) {
      step(bytes);
    }
  }
}
