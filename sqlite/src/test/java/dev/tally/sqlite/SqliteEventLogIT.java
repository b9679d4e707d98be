package dev.tally.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.core.event.EventCodec;
import dev.tally.core.port.LogRecord;
import dev.tally.testkit.EventLogConformance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local log on a SQLite file: the log contract, then the archive reads only it has. */
class SqliteEventLogIT extends EventLogConformance<SqliteEventLog> {
  @TempDir Path dir;

  @Override
  protected SqliteEventLog open(Setup setup) {
    return SqliteEventLog.open(
        dir.resolve("log.db"),
        new SqliteEventLog.Config(setup.retention(), setup.redeliverAfter(), setup.clock()));
  }

  @Override
  protected Map<String, String> deadLetterReasons(SqliteEventLog log) {
    Map<String, String> out = new LinkedHashMap<>();
    log.deadLetters(0, 1_000).forEach(d -> out.put(d.record().id(), d.reason()));
    return out;
  }

  @Override
  protected List<LogRecord> retained(SqliteEventLog log) {
    return log.readFrom(0, 100_000);
  }

  @Override
  protected void applyRetention(SqliteEventLog log) {
    log.applyRetention();
  }

  @Test
  void readFrom_iteratesRetainedRecordsByPosition_ackedOrNot() {
    for (int i = 0; i < 5; i++) {
      log.append("s1", events("e" + i, 1));
    }
    List<LogRecord> polled = pollAtLeast(log, 5);
    log.ack(polled.subList(0, 3));

    List<LogRecord> all = log.readFrom(0, 100);
    assertThat(all)
        .extracting(LogRecord::id)
        .containsExactlyElementsOf(polled.stream().map(LogRecord::id).toList());
    List<LogRecord> page = log.readFrom(all.get(2).position(), 2);
    assertThat(page)
        .extracting(LogRecord::position)
        .containsExactly(all.get(2).position(), all.get(3).position());
    assertThat(EventCodec.decode(page.get(0).body()).events().get(0).messageId()).isEqualTo("e2-0");
    assertThat(page.get(0).appendedAt()).isEqualTo(clock.instant());
  }

  @Test
  void appendWithoutStore_isRefusedBeforeItJoinsARound() {
    assertThatThrownBy(() -> log.append(" ", events("a", 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(log.backlog()).isZero();
  }

  @Test
  void zeroRetention_keepsAcknowledgedRecordsForever() {
    log.close();
    SqliteEventLog forever =
        SqliteEventLog.open(
            dir.resolve("forever.db"),
            SqliteEventLog.Config.defaults().withRetention(Duration.ZERO).withClock(clock));
    try {
      forever.append("s1", events("a", 1));
      forever.ack(pollAtLeast(forever, 1));
      clock.advance(Duration.ofDays(3650));
      assertThat(forever.applyRetention()).isZero();
      assertThat(forever.readFrom(0, 10)).hasSize(1);
    } finally {
      forever.close();
    }
  }

  @Test
  void positions_areNeverReused_afterRetentionEmptiesTheLog() {
    log.append("s1", events("a", 1));
    List<LogRecord> first = pollAtLeast(log, 1);
    log.ack(first);
    clock.advance(RETENTION.plusDays(1));
    assertThat(log.applyRetention()).isEqualTo(1);
    reopen();
    log.append("s1", events("b", 1));
    assertThat(pollAtLeast(log, 1).get(0).position()).isGreaterThan(first.get(0).position());
  }
}
