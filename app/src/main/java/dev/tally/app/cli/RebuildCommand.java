package dev.tally.app.cli;

import dev.tally.aggregator.rebuild.Rebuild;
import dev.tally.app.rebuild.EmbeddedRebuild;
import dev.tally.core.error.TallyException;
import dev.tally.core.regulation.ItemSuppressionList;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.sqlite.SqliteDatabase;
import dev.tally.sqlite.SqliteEventLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tally rebuild}: re-derive a store's aggregates for a range of days from the archive. */
@Command(
    name = "rebuild",
    mixinStandardHelpOptions = true,
    description = {
      "Re-derive every aggregate of a store for a range of days (widened to whole weeks) from the"
          + " raw-event archive and the log, with the same aggregation and writer as live"
          + " counting. Suppressed people's events are left out.",
      "--into fresh (default) aggregates into a new table and switches the store's items of the"
          + " range to it in one transaction, then counts what live aggregation wrote meanwhile:"
          + " use it to give a new metric its history. --into in-place counts only what is"
          + " missing (the writer's marks skip counted events): a repair, safe to repeat.",
      "Resumes where an interrupted run with the same arguments stopped (--restart to start"
          + " over). Works beside a running `tally up` on the same data directory (embedded"
          + " engine).",
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
      names = "--data",
      defaultValue = "data",
      description = "the data directory of tally up (default: ${DEFAULT-VALUE})")
  Path data;

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
    EmbeddedRebuild.Into mode;
    switch (into.toLowerCase(Locale.ROOT)) {
      case "fresh" -> mode = EmbeddedRebuild.Into.FRESH;
      case "in-place", "inplace", "in_place" -> mode = EmbeddedRebuild.Into.IN_PLACE;
      default -> {
        System.err.println("tally rebuild: --into must be fresh or in-place, not '" + into + "'");
        return 2;
      }
    }
    if (from.isAfter(to)) {
      System.err.println("tally rebuild: --from " + from + " is after --to " + to);
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
      Store s =
          new ItemStoreRegistry(db.table("stores"))
              .find(store)
              .orElseThrow(
                  () -> new IllegalArgumentException("no store '" + store + "' in " + data));
      EmbeddedRebuild.Result r =
          EmbeddedRebuild.create(
                  db,
                  data.resolve("archive"),
                  log,
                  new ItemSuppressionList(db.table("stores"), Clock.systemUTC()))
              .run(
                  new EmbeddedRebuild.Config(
                      data.resolve("rebuild"), s, from, to, mode, restart, shards),
                  bar);
      bar.close();
      System.out.printf(
          "Rebuilt %s from %s to %s (%s): %d part(s) read (%d done earlier), %d event(s),"
              + " %d newly counted%s%n",
          s.id(),
          r.range().from(),
          r.range().to(),
          mode == EmbeddedRebuild.Into.FRESH ? "fresh table " + r.table() : "in place",
          r.summary().parts(),
          r.summary().skippedParts(),
          r.summary().events(),
          r.summary().counted(),
          mode == EmbeddedRebuild.Into.FRESH ? ", " + r.switchedItems() + " item(s) switched" : "");
      return 0;
    } catch (TallyException | IllegalArgumentException | java.io.UncheckedIOException e) {
      System.err.println("tally rebuild: " + e.getMessage());
      return 2;
    }
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
