package dev.tally.app.cli;

import dev.tally.aggregator.BadEvents;
import dev.tally.aggregator.ItemBadEvents;
import dev.tally.core.event.EventCodec;
import dev.tally.sqlite.SqliteDatabase;
import dev.tally.sqlite.SqliteEventLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tally dlq}: what could never be counted, on the embedded engine. Bad events (one event the
 * aggregator could not apply, kept with the reason while the rest of its batch was counted) and
 * dead-lettered log records (undecodable, or for an unknown store). Works beside a running {@code
 * tally up} on the same data directory.
 */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = {
      "Inspect and re-drive events that could not be counted (embedded engine):",
      "bad events (kept by the aggregator), events refused at ingest (last 2 days, kept 7),",
      "and dead-lettered log records."
    },
    subcommands = {DlqCommand.List.class, DlqCommand.Show.class, DlqCommand.Replay.class})
public final class DlqCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Options shared by the subcommands. */
  static final class Where {
    @Option(
        names = "--data",
        defaultValue = "data",
        description = "the data directory of tally up (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(
        names = "--store",
        defaultValue = "demo",
        description = "store id (default: ${DEFAULT-VALUE})")
    String store;

    void check() {
      if (!Files.exists(data.resolve("tally.db")) || !Files.exists(data.resolve("log.db"))) {
        throw new CommandLine.ParameterException(
            new CommandLine(new DlqCommand()),
            "no Tally data in " + data.toAbsolutePath() + " (use --data DIR)");
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List bad events and dead-lettered log records, oldest first.")
  static final class List implements Callable<Integer> {
    @CommandLine.Mixin Where where;

    @Option(names = "--limit", defaultValue = "100", description = "at most this many of each")
    int limit;

    @Override
    public Integer call() {
      where.check();
      try (SqliteDatabase db = SqliteDatabase.open(where.data.resolve("tally.db"));
          SqliteEventLog log = SqliteEventLog.open(where.data.resolve("log.db"))) {
        BadEvents bad = new ItemBadEvents(db.table("metrics"), Clock.systemUTC());
        java.util.List<BadEvents.Kept> kept = bad.list(where.store, limit);
        System.out.printf("Bad events of store %s: %d%n", where.store, kept.size());
        for (BadEvents.Kept k : kept) {
          System.out.printf("  %s  %s  %s%n", k.failedAt(), k.key(), oneLine(k.reason()));
        }
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        dev.tally.ingest.ItemRejectedEvents rejected =
            new dev.tally.ingest.ItemRejectedEvents(db.table("metrics"), Clock.systemUTC());
        for (java.time.LocalDate day : java.util.List.of(today.minusDays(1), today)) {
          var rows = rejected.list(where.store, day, limit);
          System.out.printf("Refused at ingest on %s (UTC): %d%n", day, rows.size());
          for (var r : rows) {
            System.out.printf(
                "  %s  %s  %s%n",
                r.str("messageId") == null ? "(no messageId)" : r.str("messageId"),
                r.str("code"),
                oneLine(r.str("reason")));
          }
        }
        java.util.List<SqliteEventLog.DeadLetter> dead = log.deadLetters(0, limit);
        System.out.printf("Dead-lettered log records: %d%n", dead.size());
        for (SqliteEventLog.DeadLetter d : dead) {
          System.out.printf(
              "  %s  record %d  %s%n", d.failedAt(), d.record().position(), oneLine(d.reason()));
        }
        return 0;
      }
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Print one bad event (by message id) as JSON, with its reason.")
  static final class Show implements Callable<Integer> {
    @CommandLine.Mixin Where where;

    @Parameters(paramLabel = "MESSAGE_ID", description = "the bad event's message id")
    String messageId;

    @Override
    public Integer call() {
      where.check();
      try (SqliteDatabase db = SqliteDatabase.open(where.data.resolve("tally.db"))) {
        for (BadEvents.Kept k :
            new ItemBadEvents(db.table("metrics"), Clock.systemUTC()).list(where.store, 10_000)) {
          if (k.key().equals(messageId)) {
            System.out.println("reason:    " + k.reason());
            System.out.println("failed at: " + k.failedAt());
            System.out.println(EventCodec.toJson(k.event()).toPrettyString());
            return 0;
          }
        }
        System.err.println("no bad event " + messageId + " in store " + where.store);
        return 1;
      }
    }
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Send bad events back through the log (after a fix), and forget them.",
        "Counting stays exactly once: events already counted are recognised and skipped."
      })
  static final class Replay implements Callable<Integer> {
    @CommandLine.Mixin Where where;

    @Parameters(
        paramLabel = "MESSAGE_ID",
        arity = "0..*",
        description = "the bad events to replay (default: all of the store's)")
    java.util.List<String> ids = java.util.List.of();

    @Override
    public Integer call() {
      where.check();
      try (SqliteDatabase db = SqliteDatabase.open(where.data.resolve("tally.db"));
          SqliteEventLog log = SqliteEventLog.open(where.data.resolve("log.db"))) {
        BadEvents bad = new ItemBadEvents(db.table("metrics"), Clock.systemUTC());
        int n = 0;
        for (BadEvents.Kept k : bad.list(where.store, 10_000)) {
          if (ids.isEmpty() || ids.contains(k.key())) {
            log.append(where.store, java.util.List.of(k.event()));
            bad.remove(where.store, k.key());
            n++;
          }
        }
        System.out.printf(
            "Replayed %d bad event(s) of store %s into the log; a running tally up counts them"
                + " now, otherwise the next start does.%n",
            n, where.store);
        return 0;
      }
    }
  }

  private static String oneLine(String s) {
    String t = s == null ? "" : s.replace('\n', ' ');
    return t.length() > 160 ? t.substring(0, 160) + "…" : t;
  }
}
