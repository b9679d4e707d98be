package dev.tally.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * A read-time SQL engine over the raw events: one {@code events} table (one row per call) and one
 * {@code order_lines} table (one row per product line of a completed order), every question a query
 * over them. The SQL is the same for DuckDB and PostgreSQL.
 */
abstract class SqlPeer implements PeerEngine {
  /** Loads one chunk of the workload, as CSV, into the engine's tables. */
  @FunctionalInterface
  interface ChunkCopy {
    void copy(Csv csv) throws Exception;
  }

  /**
   * Copies the workload chunk by chunk; returns the nanoseconds spent making and copying the CSV.
   * The first failure stops the copying and is thrown.
   */
  static long copyChunks(PeerWorkload workload, ChunkCopy copy) throws Exception {
    long[] nanos = {0};
    Exception[] failed = {null};
    workload.forEach(
        chunk -> {
          if (failed[0] != null) {
            return;
          }
          try {
            long t0 = System.nanoTime();
            copy.copy(Csv.of(chunk));
            nanos[0] += System.nanoTime() - t0;
          } catch (Exception e) {
            failed[0] = e;
          }
        });
    if (failed[0] != null) {
      throw failed[0];
    }
    return nanos[0];
  }

  static final String SCHEMA_EVENTS =
      "CREATE TABLE events (message_id VARCHAR NOT NULL, type VARCHAR NOT NULL, event VARCHAR,"
          + " anonymous_id VARCHAR, user_id VARCHAR, device_id VARCHAR NOT NULL,"
          + " ts TIMESTAMP NOT NULL, day DATE NOT NULL, product_id VARCHAR,"
          + " revenue BIGINT NOT NULL)";
  static final String SCHEMA_LINES =
      "CREATE TABLE order_lines (message_id VARCHAR NOT NULL, day DATE NOT NULL,"
          + " product_id VARCHAR NOT NULL, quantity BIGINT NOT NULL, revenue BIGINT NOT NULL)";

  private static final String ACTIVITY = "type IN ('page', 'track')";

  protected Connection conn;
  private final Map<String, PreparedStatement> prepared = new HashMap<>();

  private PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement p = prepared.get(sql);
    if (p == null) {
      p = conn.prepareStatement(sql);
      prepared.put(sql, p);
    }
    return p;
  }

  static String date(LocalDate d) {
    return "DATE '" + d + "'";
  }

  void exec(String sql) throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute(sql);
    }
  }

  @Override
  public JsonNode answer(Question q) throws SQLException {
    return switch (q.kind()) {
      case FUNNEL -> funnel(q);
      case USER_HISTORY -> userHistory(q);
      case REVENUE_BY_DAY -> revenueByDay(q);
      case TOP_PRODUCTS -> topProducts(q);
      case SUMMARY -> summary(q);
    };
  }

  private JsonNode funnel(Question q) throws SQLException {
    String sql =
        "WITH s AS (SELECT device_id, day,"
            + " MAX(CASE WHEN event = 'Product Viewed' THEN 1 ELSE 0 END) AS v,"
            + " MAX(CASE WHEN event = 'Product Added' THEN 1 ELSE 0 END) AS a,"
            + " MAX(CASE WHEN event = 'Checkout Started' THEN 1 ELSE 0 END) AS c,"
            + " MAX(CASE WHEN event = 'Order Completed' THEN 1 ELSE 0 END) AS o"
            + " FROM events WHERE "
            + ACTIVITY
            + " AND day BETWEEN "
            + date(q.from())
            + " AND "
            + date(q.to())
            + " GROUP BY device_id, day)"
            + " SELECT COUNT(*), COUNT(DISTINCT device_id),"
            + " SUM(v), COUNT(DISTINCT CASE WHEN v = 1 THEN device_id END),"
            + " SUM(a), COUNT(DISTINCT CASE WHEN a = 1 THEN device_id END),"
            + " SUM(c), COUNT(DISTINCT CASE WHEN c = 1 THEN device_id END),"
            + " SUM(o), COUNT(DISTINCT CASE WHEN o = 1 THEN device_id END) FROM s";
    ObjectNode out = Answers.object();
    ArrayNode steps = out.putArray("steps");
    try (ResultSet rs = prepare(sql).executeQuery()) {
      rs.next();
      for (int i = 0; i < Answers.STEPS.length; i++) {
        steps
            .addObject()
            .put("step", Answers.STEPS[i])
            .put("userDays", rs.getLong(1 + 2 * i))
            .put("users", rs.getLong(2 + 2 * i));
      }
    }
    return out;
  }

  private JsonNode userHistory(Question q) throws SQLException {
    String sql =
        "SELECT day, COUNT(*), SUM(CASE WHEN event = 'Order Completed' THEN revenue ELSE 0 END)"
            + " FROM events WHERE "
            + ACTIVITY
            + " AND day BETWEEN "
            + date(q.from())
            + " AND "
            + date(q.to())
            + " AND (user_id = ? OR anonymous_id IN"
            + " (SELECT anonymous_id FROM events WHERE user_id = ? AND anonymous_id IS NOT NULL))"
            + " GROUP BY day ORDER BY day";
    PreparedStatement p = prepare(sql);
    p.setString(1, q.userId());
    p.setString(2, q.userId());
    ObjectNode out = Answers.object();
    ObjectNode days = out.putObject("days");
    try (ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        days.putObject(rs.getObject(1).toString().substring(0, 10))
            .put("events", rs.getLong(2))
            .put("revenue", rs.getLong(3));
      }
    }
    return out;
  }

  private JsonNode revenueByDay(Question q) throws SQLException {
    String sql =
        "SELECT day, SUM(revenue) FROM events WHERE event = 'Order Completed' AND day BETWEEN "
            + date(q.from())
            + " AND "
            + date(q.to())
            + " GROUP BY day ORDER BY day";
    ObjectNode out = Answers.object();
    ObjectNode days = out.putObject("days");
    try (ResultSet rs = prepare(sql).executeQuery()) {
      while (rs.next()) {
        if (rs.getLong(2) != 0) {
          days.put(rs.getObject(1).toString().substring(0, 10), rs.getLong(2));
        }
      }
    }
    return out;
  }

  private JsonNode topProducts(Question q) throws SQLException {
    String sql =
        "SELECT product_id, SUM(revenue) AS r, SUM(quantity) FROM order_lines WHERE day BETWEEN "
            + date(q.from())
            + " AND "
            + date(q.to())
            + " GROUP BY product_id ORDER BY r DESC, product_id LIMIT 10";
    ObjectNode out = Answers.object();
    ArrayNode products = out.putArray("products");
    try (ResultSet rs = prepare(sql).executeQuery()) {
      while (rs.next()) {
        products
            .addObject()
            .put("productId", rs.getString(1))
            .put("revenue", rs.getLong(2))
            .put("units", rs.getLong(3));
      }
    }
    return out;
  }

  private JsonNode summary(Question q) throws SQLException {
    String sql =
        "SELECT day >= "
            + date(q.from())
            + " AS cur,"
            + " SUM(CASE WHEN event = 'Order Completed' THEN revenue ELSE 0 END),"
            + " SUM(CASE WHEN event = 'Order Completed' THEN 1 ELSE 0 END),"
            + " COUNT(DISTINCT device_id),"
            + " COUNT(DISTINCT CASE WHEN event = 'Order Completed' THEN device_id END)"
            + " FROM events WHERE "
            + ACTIVITY
            + " AND day BETWEEN "
            + date(q.previousFrom())
            + " AND "
            + date(q.to())
            + " GROUP BY 1";
    long[] cur = new long[4];
    long[] prev = new long[4];
    try (ResultSet rs = prepare(sql).executeQuery()) {
      while (rs.next()) {
        long[] t = rs.getBoolean(1) ? cur : prev;
        for (int i = 0; i < 4; i++) {
          t[i] = rs.getLong(2 + i);
        }
      }
    }
    return summaryNode(cur, prev);
  }

  static ObjectNode summaryNode(long[] cur, long[] prev) {
    return Answers.object()
        .put("revenue", cur[0])
        .put("orders", cur[1])
        .put("visitors", cur[2])
        .put("buyers", cur[3])
        .put("prevRevenue", prev[0])
        .put("prevOrders", prev[1])
        .put("prevVisitors", prev[2])
        .put("prevBuyers", prev[3]);
  }

  @Override
  public void close() throws Exception {
    for (PreparedStatement p : prepared.values()) {
      p.close();
    }
    prepared.clear();
    if (conn != null) {
      conn.close();
    }
  }
}
