package dev.tally.aggregator;

/**
 * How the aggregator writes.
 *
 * @param shards write shards per store-day (default 4; raise for stores near 1,000 writes/s)
 * @param maxItemsPerTransaction items per TransactWriteItems (DynamoDB's limit is 100)
 * @param maxAttempts attempts per chunk on optimistic-concurrency conflicts (default 8)
 */
public record AggregatorConfig(int shards, int maxItemsPerTransaction, int maxAttempts) {
  public AggregatorConfig {
    if (shards < 1
        || maxItemsPerTransaction < 4
        || maxItemsPerTransaction > 100
        || maxAttempts < 1) {
      throw new IllegalArgumentException("invalid aggregator config");
    }
  }

  public static AggregatorConfig defaults() {
    return new AggregatorConfig(4, 100, 8);
  }
}
