package dev.tally.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.error.RetryableException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class SqliteErrorsTest {
  @Test
  void busyLockedAndIoFailures_areRetryable_withTheCallersCode() {
    for (SQLiteErrorCode code :
        new SQLiteErrorCode[] {
          SQLiteErrorCode.SQLITE_BUSY,
          SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT,
          SQLiteErrorCode.SQLITE_LOCKED,
          SQLiteErrorCode.SQLITE_IOERR_FSYNC,
          SQLiteErrorCode.SQLITE_FULL,
          SQLiteErrorCode.SQLITE_CANTOPEN
        }) {
      RuntimeException e =
          SqliteErrors.translate(new SQLiteException("x", code), "store_unavailable");
      assertThat(e).as(code.name()).isInstanceOf(RetryableException.class);
      assertThat(((RetryableException) e).code()).isEqualTo("store_unavailable");
      assertThat(((RetryableException) e).retryAfter()).isPositive();
    }
  }

  @Test
  void programmingErrorsAndCorruption_areFatal() {
    for (SQLiteErrorCode code :
        new SQLiteErrorCode[] {
          SQLiteErrorCode.SQLITE_ERROR,
          SQLiteErrorCode.SQLITE_MISUSE,
          SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY,
          SQLiteErrorCode.SQLITE_CORRUPT
        }) {
      assertThat(SqliteErrors.translate(new SQLiteException("x", code), "log_unavailable"))
          .as(code.name())
          .isInstanceOf(IllegalStateException.class)
          .hasCauseInstanceOf(SQLiteException.class);
    }
  }

  @Test
  void plainSqlException_isClassifiedByItsErrorCode() {
    assertThat(SqliteErrors.translate(new SQLException("busy", null, 5), "c"))
        .isInstanceOf(RetryableException.class);
    assertThat(SqliteErrors.translate(new SQLException("syntax", null, 1), "c"))
        .isInstanceOf(IllegalStateException.class);
  }
}
