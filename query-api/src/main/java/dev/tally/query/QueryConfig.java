package dev.tally.query;

/**
 * Query settings.
 *
 * @param shards store-day write shards to merge; must equal the aggregator's (default 4)
 * @param requestsPerSecond sustained requests per read key (default 50)
 * @param burst requests a read key may send at once (default 100)
 */
public record QueryConfig(int shards, long requestsPerSecond, long burst) {
  public QueryConfig {
    if (shards < 1 || requestsPerSecond < 1 || burst < 1) {
      throw new IllegalArgumentException("shards, requestsPerSecond and burst must be at least 1");
    }
  }

  public static QueryConfig defaults() {
    return new QueryConfig(4, 50, 100);
  }

  /** The defaults with the shard count of {@code TallyConfig}. */
  public static QueryConfig of(dev.tally.core.config.TallyConfig config) {
    return defaults().withShards(config.shards());
  }

  public QueryConfig withShards(int n) {
    return new QueryConfig(n, requestsPerSecond, burst);
  }
}
