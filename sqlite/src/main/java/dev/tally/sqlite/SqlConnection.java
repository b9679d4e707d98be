package dev.tally.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * One JDBC connection and its prepared statements, reused across calls: preparing is a large part
 * of a small statement's cost. Not thread-safe; {@link SqliteDatabase} hands it to one thread at a
 * time.
 */
final class SqlConnection implements AutoCloseable {
  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  SqlConnection(Connection connection) {
    this.connection = connection;
  }

  /** The cached statement for {@code sql}, its parameters cleared. */
  PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = connection.prepareStatement(sql);
      statements.put(sql, ps);
    } else {
      ps.clearParameters();
      ps.clearBatch();
    }
    return ps;
  }

  void exec(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }

  @Override
  public void close() throws SQLException {
    for (PreparedStatement ps : statements.values()) {
      ps.close();
    }
    statements.clear();
    connection.close();
  }
}
