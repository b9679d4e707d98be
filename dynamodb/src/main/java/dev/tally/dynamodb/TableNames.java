package dev.tally.dynamodb;

import java.util.Map;

/**
 * Names of Tally's DynamoDB tables. Defaults: {@code tally-metrics}, {@code tally-stores}, {@code
 * tally-dedup}; overridden by {@code TALLY_METRICS_TABLE}, {@code TALLY_STORES_TABLE}, {@code
 * TALLY_DEDUP_TABLE}.
 */
public record TableNames(String metrics, String stores, String dedup) {
  public static TableNames defaults() {
    return new TableNames("tally-metrics", "tally-stores", "tally-dedup");
  }

  public static TableNames fromEnv(Map<String, String> env) {
    TableNames d = defaults();
    return new TableNames(
        env.getOrDefault("TALLY_METRICS_TABLE", d.metrics),
        env.getOrDefault("TALLY_STORES_TABLE", d.stores),
        env.getOrDefault("TALLY_DEDUP_TABLE", d.dedup));
  }

  /** The same names with a prefix, so tests and stores can share one DynamoDB. */
  public TableNames prefixed(String prefix) {
    return new TableNames(prefix + metrics, prefix + stores, prefix + dedup);
  }
}
