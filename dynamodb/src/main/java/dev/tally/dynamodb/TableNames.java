package dev.tally.dynamodb;

import dev.tally.core.config.TallyConfig;

/**
 * Names of Tally's DynamoDB tables. Defaults: {@code tally-metrics}, {@code tally-stores}, {@code
 * tally-dedup}; overridden through {@link TallyConfig} by {@code TALLY_METRICS_TABLE}, {@code
 * TALLY_STORES_TABLE}, {@code TALLY_DEDUP_TABLE}.
 */
public record TableNames(String metrics, String stores, String dedup) {
  public static TableNames defaults() {
    return new TableNames("tally-metrics", "tally-stores", "tally-dedup");
  }

  /** The table names of {@link TallyConfig} (which reads the environment). */
  public static TableNames of(TallyConfig config) {
    return new TableNames(config.metricsTable(), config.storesTable(), config.dedupTable());
  }

  /** The same names with a prefix, so tests and stores can share one DynamoDB. */
  public TableNames prefixed(String prefix) {
    return new TableNames(prefix + metrics, prefix + stores, prefix + dedup);
  }
}
