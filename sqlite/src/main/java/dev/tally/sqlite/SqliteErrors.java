package dev.tally.sqlite;

import dev.tally.core.error.RetryableException;
import java.sql.SQLException;
import java.time.Duration;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The one classifier of SQLite failures: the machine or the file (busy, I/O, disk full, locked) is
 * retryable; anything else is a programming error (bad SQL, misuse, constraint) and fatal.
 */
final class SqliteErrors {
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private SqliteErrors() {}

  static RuntimeException translate(SQLException e, String code) {
    int primary = primaryCode(e);
    if (retryable(primary)) {
      return new RetryableException(code, "SQLite: " + e.getMessage(), RETRY_AFTER, e);
    }
    return new IllegalStateException("SQLite error " + primary + ": " + e.getMessage(), e);
  }

  private static int primaryCode(SQLException e) {
    if (e instanceof SQLiteException s && s.getResultCode() != null) {
      return s.getResultCode().code & 0xff;
    }
    return e.getErrorCode() & 0xff;
  }

  private static boolean retryable(int primary) {
    return primary == SQLiteErrorCode.SQLITE_BUSY.code
        || primary == SQLiteErrorCode.SQLITE_LOCKED.code
        || primary == SQLiteErrorCode.SQLITE_NOMEM.code
        || primary == SQLiteErrorCode.SQLITE_READONLY.code
        || primary == SQLiteErrorCode.SQLITE_INTERRUPT.code
        || primary == SQLiteErrorCode.SQLITE_IOERR.code
        || primary == SQLiteErrorCode.SQLITE_FULL.code
        || primary == SQLiteErrorCode.SQLITE_CANTOPEN.code
        || primary == SQLiteErrorCode.SQLITE_PROTOCOL.code;
  }
}
