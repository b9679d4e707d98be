package dev.tally.aggregator;

/**
 * How the aggregator writes.
 *
 * @param shards write shards per store-day (default 4; raise for stores near 1,000 writes/s)
 * @param maxItemsPerTransaction items per atomic write; the engine's own limit also applies
 *     (DynamoDB: 100; the embedded engine takes thousands, so fewer, larger commits)
 * @param maxAttempts attempts per chunk on optimistic-concurrency conflicts (default 8)
 */
public record AggregatorConfig(int shards, int maxItemsPerTransaction, int maxAttempts) {
  public AggregatorConfig {
    if (shards < 1
        || maxItemsPerTransaction < 4
        || maxItemsPerTransaction > 100_000
        || maxAttempts < 1) {
      throw new IllegalArgumentException("invalid aggregator config");
    }
  }

  public static AggregatorConfig defaults() {
    return new AggregatorConfig(4, 100, 8);
  }

  /** The defaults with the shard count of {@code TallyConfig}. */
  public static AggregatorConfig of(dev.tally.core.config.TallyConfig config) {
    return defaults().withShards(config.shards());
  }

  public AggregatorConfig withShards(int n) {
    return new AggregatorConfig(n, maxItemsPerTransaction, maxAttempts);
  }

  public AggregatorConfig withMaxItemsPerTransaction(int n) {
    return new AggregatorConfig(shards, n, maxAttempts);
  }
}
