package dev.tally.core.port;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A bounded, expiring {@link DedupStore} in memory: the default for a single local server, and the
 * fake for unit tests. Oldest ids are evicted first once {@code maxEntries} is reached.
 */
public final class InMemoryDedupStore implements DedupStore {
  private final Duration ttl;
  private final int maxEntries;
  private final Clock clock;
  private final LinkedHashMap<String, Long> expiries = new LinkedHashMap<>();

  public InMemoryDedupStore(Duration ttl, int maxEntries, Clock clock) {
    this.ttl = ttl;
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  public static InMemoryDedupStore create() {
    return new InMemoryDedupStore(Duration.ofHours(24), 2_000_000, Clock.systemUTC());
  }

  @Override
  public synchronized Set<String> seen(String storeId, Collection<String> messageIds) {
    long now = clock.millis();
    Set<String> out = new HashSet<>();
    for (String id : messageIds) {
      Long exp = expiries.get(storeId + '\u0000' + id);
      if (exp != null && exp > now) {
        out.add(id);
      }
    }
    return out;
  }

  @Override
  public synchronized void remember(String storeId, Collection<String> messageIds) {
    long now = clock.millis();
    long exp = now + ttl.toMillis();
    for (String id : messageIds) {
      String k = storeId + '\u0000' + id;
      expiries.remove(k);
      expiries.put(k, exp);
    }
    Iterator<Map.Entry<String, Long>> it = expiries.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Long> e = it.next();
      if (expiries.size() > maxEntries || e.getValue() <= now) {
        it.remove();
      } else {
        break;
      }
    }
  }
}
