package dev.tally.core.agg;

import java.time.LocalDate;

/** Value keys of the aggregation's output maps. */
public final class Keys {
  private Keys() {}

  /** A person (user id, anonymous id or device id) on a store-local day. */
  public record UserDay(String id, LocalDate day) {}

  /** One of a store-day's write shards. */
  public record ShardDay(LocalDate day, int shard) {}

  /** A product on a store-local day. */
  public record ProductDay(String productId, LocalDate day) {}

  /** A funnel step on a store-local day. */
  public record StepDay(LocalDate day, FunnelStep step) {}

  /** An anonymous id that belongs to a known user. */
  public record Link(String anonymousId, String userId) {}

  /** Stable shard of an id in [0, shards): the same id always lands in the same shard. */
  public static int shardOf(String id, int shards) {
    int h = id.hashCode() * 0x9E3779B9;
    return Math.floorMod(h ^ (h >>> 16), shards);
  }
}
