package dev.tally.sqlite;

import java.sql.SQLException;

/** Work done on one connection, inside a transaction for writes. */
@FunctionalInterface
interface SqlWork<T> {
  T run(SqlConnection c) throws SQLException;
}
