package dev.tally.core.agg;

import dev.tally.core.agg.Keys.Link;
import dev.tally.core.agg.Keys.ProductDay;
import dev.tally.core.agg.Keys.ShardDay;
import dev.tally.core.agg.Keys.StepDay;
import dev.tally.core.agg.Keys.UserDay;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The effect of a set of events on the stored metrics, before it is written. Merging is associative
 * and commutative, so any split or order of the same events gives equal deltas.
 *
 * <p>Daily distinct-user counts are not here: whether a step is new for a person depends on what is
 * already stored, which {@link FunnelState} decides at write time.
 */
public final class Deltas {
  private final Map<UserDay, UserActivity> users = new HashMap<>();
  private final Map<UserDay, EnumSet<FunnelStep>> devices = new HashMap<>();
  private final Map<ShardDay, Counts<Counter>> store = new HashMap<>();
  private final Map<ProductDay, Counts<ProductCounter>> products = new HashMap<>();
  private final Map<StepDay, Set<String>> reached = new HashMap<>();
  private final Set<Link> links = new HashSet<>();

  /** Counters and first/last seen per (uid, day): the {@code USER#uid / DAY#d} items. */
  public Map<UserDay, UserActivity> users() {
    return Collections.unmodifiableMap(users);
  }

  /** Funnel steps reached per (device id, day): the person key of distinct counts. */
  public Map<UserDay, EnumSet<FunnelStep>> devices() {
    return Collections.unmodifiableMap(devices);
  }

  /** Store-wide counters per (day, shard). */
  public Map<ShardDay, Counts<Counter>> store() {
    return Collections.unmodifiableMap(store);
  }

  public Map<ProductDay, Counts<ProductCounter>> products() {
    return Collections.unmodifiableMap(products);
  }

  /** Device ids that reached each step on each day, for the range-distinct sketches. */
  public Map<StepDay, Set<String>> reached() {
    return Collections.unmodifiableMap(reached);
  }

  /** Anonymous ids seen together with a user id. */
  public Set<Link> links() {
    return Collections.unmodifiableSet(links);
  }

  public boolean isEmpty() {
    return users.isEmpty() && links.isEmpty();
  }

  void addUser(UserDay key, UserActivity a) {
    users.merge(key, a, UserActivity::merge);
  }

  void addSteps(UserDay device, Set<FunnelStep> steps) {
    devices.computeIfAbsent(device, k -> EnumSet.noneOf(FunnelStep.class)).addAll(steps);
    for (FunnelStep s : steps) {
      reached.computeIfAbsent(new StepDay(device.day(), s), k -> new TreeSet<>()).add(device.id());
    }
  }

  void addStore(ShardDay key, Counts<Counter> c) {
    store.merge(key, c, Counts::plus);
  }

  void addProduct(ProductDay key, Counts<ProductCounter> c) {
    products.merge(key, c, Counts::plus);
  }

  void addLink(Link link) {
    links.add(link);
  }

  /** A new delta holding the effect of both; neither input changes. */
  public Deltas merge(Deltas other) {
    Deltas d = new Deltas();
    for (Deltas src : new Deltas[] {this, other}) {
      src.users.forEach(d::addUser);
      src.devices.forEach(d::addSteps);
      src.store.forEach(d::addStore);
      src.products.forEach(d::addProduct);
      src.links.forEach(d::addLink);
    }
    return d;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Deltas d
        && users.equals(d.users)
        && devices.equals(d.devices)
        && store.equals(d.store)
        && products.equals(d.products)
        && reached.equals(d.reached)
        && links.equals(d.links);
  }

  @Override
  public int hashCode() {
    return users.hashCode() ^ store.hashCode();
  }

  @Override
  public String toString() {
    return "Deltas{users="
        + users.size()
        + ", devices="
        + devices.size()
        + ", storeItems="
        + store.size()
        + ", products="
        + products.size()
        + ", links="
        + links.size()
        + "}";
  }
}
