package dev.tally.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.aggregator.ItemBadEvents;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventHeader;
import dev.tally.core.event.Props;
import dev.tally.core.event.TrackEvent;
import dev.tally.sqlite.SqliteDatabase;
import dev.tally.sqlite.SqliteEventLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tally dlq} lists, shows and re-drives the bad events kept on the embedded engine. */
class DlqCommandIT {
  @TempDir Path data;

  private String run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new TallyCli()).execute(args);
      assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
    } finally {
      System.setOut(old);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void listShowReplay_ofAKeptBadEvent() {
    Instant at = Instant.parse("2026-11-29T10:00:00Z");
    Event bad =
        new TrackEvent(
            new EventHeader("bad-1", "a1", null, at, null, null, at, Props.empty()),
            "Order Completed",
            Props.empty());
    try (SqliteDatabase db = SqliteDatabase.open(data.resolve("tally.db"));
        SqliteEventLog log = SqliteEventLog.open(data.resolve("log.db"))) {
      new ItemBadEvents(db.table("metrics"), Clock.systemUTC())
          .keep("demo", bad, "ArithmeticException: long overflow");
    }
    String dir = data.toString();
    assertThat(run("dlq", "list", "--data", dir))
        .contains("Bad events of store demo: 1")
        .contains("bad-1")
        .contains("long overflow");
    assertThat(run("dlq", "show", "bad-1", "--data", dir))
        .contains("long overflow")
        .contains("\"messageId\" : \"bad-1\"");
    assertThat(run("dlq", "replay", "--data", dir)).contains("Replayed 1 bad event(s)");
    assertThat(run("dlq", "list", "--data", dir)).contains("Bad events of store demo: 0");
    try (SqliteEventLog log = SqliteEventLog.open(data.resolve("log.db"))) {
      assertThat(log.backlog()).as("the event is back in the log").isEqualTo(1);
    }
  }
}
