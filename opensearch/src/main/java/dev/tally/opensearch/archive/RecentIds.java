package dev.tally.opensearch.archive;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The last {@code capacity} (store, message id) pairs, as 64-bit hashes (the first 8 bytes of
 * SHA-256: a false match among a million ids has a chance of about 1 in 30 million), oldest evicted
 * first. About 24 bytes per id: a ring of insertion order and an open-addressing table.
 */
final class RecentIds {
  private static final long EMPTY = 0L;
  private final long[] ring;
  private final long[] table;
  private final int mask;
  private int next;
  private int size;

  RecentIds(int capacity) {
    ring = new long[capacity];
    int slots = Integer.highestOneBit(Math.max(16, capacity * 2 - 1)) << 1;
    table = new long[slots];
    mask = slots - 1;
  }

  static long hash(String store, String messageId) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(store.getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      byte[] h = d.digest(messageId.getBytes(StandardCharsets.UTF_8));
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      return v == EMPTY ? 1 : v;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean contains(long h) {
    for (int i = slot(h); ; i = (i + 1) & mask) {
      if (table[i] == EMPTY) {
        return false;
      }
      if (table[i] == h) {
        return true;
      }
    }
  }

  /** Adds {@code h}; returns false when it was there already. */
  boolean add(long h) {
    if (contains(h)) {
      return false;
    }
    if (size == ring.length) {
      remove(ring[next]);
      size--;
    }
    ring[next] = h;
    next = (next + 1) % ring.length;
    size++;
    insert(h);
    return true;
  }

  int size() {
    return size;
  }

  private void insert(long h) {
    int i = slot(h);
    while (table[i] != EMPTY) {
      i = (i + 1) & mask;
    }
    table[i] = h;
  }

  /** Linear-probing deletion: re-inserts the rest of the cluster. */
  private void remove(long h) {
    int i = slot(h);
    while (table[i] != h) {
      if (table[i] == EMPTY) {
        return;
      }
      i = (i + 1) & mask;
    }
    table[i] = EMPTY;
    for (int j = (i + 1) & mask; table[j] != EMPTY; j = (j + 1) & mask) {
      long moved = table[j];
      table[j] = EMPTY;
      insert(moved);
    }
  }

  private int slot(long h) {
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
