package dev.tally.sqlite;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.ConditionFailedException;
import dev.tally.core.item.InMemoryItemStore;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemMath;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link ItemStore} on one SQL table {@code (pk, sk, attrs, expires)} of a {@link
 * SqliteDatabase}. A write call is one SQLite transaction on the writer: it reads the current
 * items, checks every condition, and applies every write ({@link ItemMath}) or none. Attributes are
 * stored in {@link ItemCodec}'s binary form; {@code expires} mirrors {@link ItemStore#EXPIRES_AT}
 * so that reads can skip expired items and the purge can find them by index. Partition reads reuse
 * the decoded item of a recent read while the stored bytes are the same.
 */
public final class SqliteItemStore implements ItemStore {
  /** SQLite has no per-transaction item limit; this bounds one call's memory and lock time. */
  public static final int MAX_WRITES_PER_CALL = 10_000;

  /** Keys per lookup statement; smaller lookups round up to a power of two (few statements). */
  private static final int LOOKUP_CHUNK = 256;

  /**
   * Bound of the decoded-items cache, in estimated heap bytes (a decoded item takes about eight
   * times its stored bytes): dashboards ask for the same month, week and day partitions again and
   * again, and decoding their hundreds of counters cost more than reading them.
   */
  static final long DECODED_CACHE_BYTES = 48L << 20;

  private static final int PURGE_BATCH = 1_000;

  private final SqliteDatabase db;
  private final String name;
  private final Clock clock;
  private final String selectOne;
  private final String selectPartition;
  private final String selectRange;
  private final String upsert;
  private final String delete;
  private final String purge;
  private final Cache<ItemKey, Decoded> decoded =
      Caffeine.newBuilder()
          .maximumWeight(DECODED_CACHE_BYTES)
          .weigher((ItemKey k, Decoded d) -> 8 * d.stored().length + 128)
          .executor(Runnable::run)
          .build();

  /** An item as decoded from {@code stored}, its bytes in the table. */
  private record Decoded(byte[] stored, Item item) {}

  SqliteItemStore(SqliteDatabase db, String name, Clock clock) {
    this.db = db;
    this.name = name;
    this.clock = clock;
    String t = quoted(name);
    String live = " AND (expires IS NULL OR expires > ?)";
    this.selectOne = "SELECT attrs FROM " + t + " WHERE pk = ? AND sk = ?" + live;
    this.selectPartition =
        "SELECT sk, attrs FROM " + t + " WHERE pk = ?" + live + " ORDER BY sk LIMIT ?";
    this.selectRange =
        "SELECT sk, attrs FROM "
            + t
            + " WHERE pk = ? AND sk >= ? AND sk <= ?"
            + live
            + " ORDER BY sk LIMIT ?";
    this.upsert =
        "INSERT INTO "
            + t
            + " (pk, sk, attrs, expires) VALUES (?, ?, ?, ?) ON CONFLICT (pk, sk)"
            + " DO UPDATE SET attrs = excluded.attrs, expires = excluded.expires";
    this.delete = "DELETE FROM " + t + " WHERE pk = ? AND sk = ?";
    this.purge =
        "DELETE FROM "
            + t
            + " WHERE (pk, sk) IN (SELECT pk, sk FROM "
            + t
            + " WHERE expires IS NOT NULL AND expires <= ? LIMIT "
            + PURGE_BATCH
            + ")";
  }

  void createIfMissing() {
    String t = quoted(name);
    db.write(
        c -> {
          c.exec(
              "CREATE TABLE IF NOT EXISTS "
                  + t
                  + " (pk TEXT NOT NULL, sk TEXT NOT NULL, attrs BLOB NOT NULL,"
                  + " expires INTEGER, PRIMARY KEY (pk, sk)) WITHOUT ROWID");
          c.exec(
              "CREATE INDEX IF NOT EXISTS "
                  + quoted(name + "_expires")
                  + " ON "
                  + t
                  + " (expires) WHERE expires IS NOT NULL");
          return null;
        });
  }

  /** The table's name. */
  public String name() {
    return name;
  }

  @Override
  public int maxWritesPerCall() {
    return MAX_WRITES_PER_CALL;
  }

  /** A local file: reads take microseconds, and each commit is an fsync. */
  @Override
  public boolean embedded() {
    return true;
  }

  @Override
  public Optional<Item> get(ItemKey key) {
    long now = nowSeconds();
    return db.read(
        c -> {
          PreparedStatement ps = c.prepare(selectOne);
          ps.setString(1, key.pk());
          ps.setString(2, key.sk());
          ps.setLong(3, now);
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next()
                ? Optional.of(new Item(key, ItemCodec.decode(rs.getBytes(1))))
                : Optional.empty();
          }
        });
  }

  @Override
  public Map<ItemKey, Item> getAll(Collection<ItemKey> keys) {
    if (keys.isEmpty()) {
      return new HashMap<>();
    }
    long now = nowSeconds();
    List<ItemKey> distinct = new ArrayList<>(new LinkedHashSet<>(keys));
    return db.read(c -> lookup(c, distinct, now));
  }

  @Override
  public List<Item> query(ItemQuery q) {
    long now = nowSeconds();
    return db.read(
        c -> {
          PreparedStatement ps;
          int i = 1;
          if (q.fromSk() == null) {
            ps = c.prepare(selectPartition);
            ps.setString(i++, q.pk());
          } else {
            ps = c.prepare(selectRange);
            ps.setString(i++, q.pk());
            ps.setString(i++, q.fromSk());
            ps.setString(i++, q.toSk());
          }
          ps.setLong(i++, now);
          ps.setInt(i, q.limit() == 0 ? -1 : q.limit());
          List<Item> out = new ArrayList<>();
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(decodedItem(ItemKey.of(q.pk(), rs.getString(1)), rs.getBytes(2)));
            }
          }
          return out;
        });
  }

  /** The item stored as {@code stored}: a recent read's decoded item when its bytes are equal. */
  private Item decodedItem(ItemKey key, byte[] stored) {
    Decoded d = decoded.getIfPresent(key);
    if (d != null && Arrays.equals(d.stored(), stored)) {
      return d.item();
    }
    Item item = new Item(key, ItemCodec.decode(stored));
    decoded.put(key, new Decoded(stored, item));
    return item;
  }

  /**
   * Every live item of the table in key order. Not part of the port and never on a read path: for
   * tests that compare whole tables and for exports.
   */
  public List<Item> scan() {
    return select("", List.of());
  }

  /**
   * The live items whose partition key starts with {@code pkPrefix} and whose sort key is {@code
   * sk}, by partition key: for offline jobs (a rebuild), never on a read path.
   */
  public List<Item> scan(String pkPrefix, String sk) {
    return select(
        "pk >= ? AND pk < ? AND sk = ? AND ", List.of(pkPrefix, upperBound(pkPrefix), sk));
  }

  /** Live items matching {@code where} (a condition ending in AND, or empty), in key order. */
  private List<Item> select(String where, List<String> params) {
    long now = nowSeconds();
    return db.read(
        c -> {
          PreparedStatement ps =
              c.prepare(
                  "SELECT pk, sk, attrs FROM \""
                      + name()
                      + "\" WHERE "
                      + where
                      + "(expires IS NULL OR expires > ?) ORDER BY pk, sk");
          int i = 1;
          for (String p : params) {
            ps.setString(i++, p);
          }
          ps.setLong(i, now);
          List<Item> out = new ArrayList<>();
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(
                  new Item(
                      ItemKey.of(rs.getString(1), rs.getString(2)),
                      ItemCodec.decode(rs.getBytes(3))));
            }
          }
          return out;
        });
  }

  /** The least string greater than every string that starts with {@code prefix}. */
  private static String upperBound(String prefix) {
    return prefix.substring(0, prefix.length() - 1)
        + (char) (prefix.charAt(prefix.length() - 1) + 1);
  }

  /**
   * Replaces, in one transaction, this table's items with {@code pk} starting with {@code pkPrefix}
   * that {@code replaced} accepts by those of {@code fresh} (a table of the same file); items of
   * {@code fresh} it does not accept are added only where absent here. Readers see the old items or
   * the new ones, never a mix: the switch of a {@code fresh} rebuild. Returns the items written.
   */
  public int replaceFrom(
      SqliteItemStore fresh, String pkPrefix, java.util.function.Predicate<Item> replaced) {
    if (fresh.db != db) {
      throw new IllegalArgumentException("both tables must be in the same database file");
    }
    String t = quoted(name);
    String f = quoted(fresh.name);
    String upper = upperBound(pkPrefix);
    return db.write(
        c -> {
          List<ItemKey> old = new ArrayList<>();
          PreparedStatement sel =
              c.prepare("SELECT pk, sk, attrs FROM " + t + " WHERE pk >= ? AND pk < ?");
          sel.setString(1, pkPrefix);
          sel.setString(2, upper);
          try (ResultSet rs = sel.executeQuery()) {
            while (rs.next()) {
              ItemKey k = ItemKey.of(rs.getString(1), rs.getString(2));
              if (replaced.test(new Item(k, ItemCodec.decode(rs.getBytes(3))))) {
                old.add(k);
              }
            }
          }
          PreparedStatement del = c.prepare("DELETE FROM " + t + " WHERE pk = ? AND sk = ?");
          for (ItemKey k : old) {
            del.setString(1, k.pk());
            del.setString(2, k.sk());
            del.executeUpdate();
          }
          PreparedStatement src =
              c.prepare("SELECT pk, sk, attrs, expires FROM " + f + " WHERE pk >= ? AND pk < ?");
          src.setString(1, pkPrefix);
          src.setString(2, upper);
          PreparedStatement replace =
              c.prepare(
                  "INSERT OR REPLACE INTO " + t + " (pk, sk, attrs, expires) VALUES (?, ?, ?, ?)");
          PreparedStatement add =
              c.prepare(
                  "INSERT OR IGNORE INTO " + t + " (pk, sk, attrs, expires) VALUES (?, ?, ?, ?)");
          int n = 0;
          try (ResultSet rs = src.executeQuery()) {
            while (rs.next()) {
              ItemKey k = ItemKey.of(rs.getString(1), rs.getString(2));
              PreparedStatement ps =
                  replaced.test(new Item(k, ItemCodec.decode(rs.getBytes(3)))) ? replace : add;
              ps.setString(1, k.pk());
              ps.setString(2, k.sk());
              ps.setBytes(3, rs.getBytes(3));
              ps.setObject(4, rs.getObject(4));
              n += ps.executeUpdate();
            }
          }
          return n;
        });
  }

  /** Drops the table (a rebuild's fresh table once switched). */
  public void drop() {
    db.write(
        c -> {
          c.exec("DROP TABLE IF EXISTS " + quoted(name));
          return null;
        });
  }

  @Override
  public void write(List<? extends ItemWrite> writes) {
    InMemoryItemStore.Writes.check(writes, MAX_WRITES_PER_CALL);
    long now = nowSeconds();
    db.write(
        c -> {
          // Only writes whose outcome depends on the current item read it.
          List<ItemKey> needed = new ArrayList<>();
          for (ItemWrite w : writes) {
            if (readsCurrent(w)) {
              needed.add(w.key());
            }
          }
          // Decoded maps are this call's own: updates are applied to them in place.
          Map<ItemKey, Map<String, AttrValue>> current =
              needed.isEmpty() ? Map.of() : lookupAttrs(c, needed, now);
          List<Integer> failed = new ArrayList<>();
          Map<Integer, Item> failedItems = new HashMap<>();
          for (int i = 0; i < writes.size(); i++) {
            ItemWrite w = writes.get(i);
            if (w.condition() instanceof Condition.None) {
              continue;
            }
            Map<String, AttrValue> attrs = current.get(w.key());
            Item found = attrs == null ? null : new Item(w.key(), attrs);
            if (!w.condition().test(found)) {
              failed.add(i);
              if (found != null) {
                failedItems.put(i, found);
              }
            }
          }
          if (!failed.isEmpty()) {
            throw new ConditionFailedException(failed, failedItems);
          }
          PreparedStatement up = c.prepare(upsert);
          PreparedStatement del = c.prepare(delete);
          int ups = 0;
          int dels = 0;
          for (ItemWrite w : writes) {
            Map<String, AttrValue> next;
            if (w instanceof ItemWrite.Put p) {
              next = p.item().attrs();
            } else if (w instanceof ItemWrite.Update u) {
              next = current.get(w.key());
              if (next == null) {
                next = new LinkedHashMap<>();
              }
              ItemMath.applyTo(next, u);
            } else {
              next = null;
            }
            if (next == null) {
              // Also removes an expired row the write could not see.
              del.setString(1, w.key().pk());
              del.setString(2, w.key().sk());
              del.addBatch();
              dels++;
            } else {
              bind(up, w.key(), next);
              up.addBatch();
              ups++;
            }
          }
          if (ups > 0) {
            up.executeBatch();
          }
          if (dels > 0) {
            del.executeBatch();
          }
          return null;
        });
  }

  @Override
  public void putAll(Collection<Item> items) {
    List<Item> all = new ArrayList<>(items);
    for (int from = 0; from < all.size(); from += MAX_WRITES_PER_CALL) {
      List<Item> chunk = all.subList(from, Math.min(all.size(), from + MAX_WRITES_PER_CALL));
      db.write(
          c -> {
            PreparedStatement up = c.prepare(upsert);
            for (Item item : chunk) {
              bindItem(up, item);
              up.addBatch();
            }
            up.executeBatch();
            return null;
          });
    }
  }

  /**
   * Deletes expired items, a batch per transaction so that writers wait little. Reads never see
   * expired items anyway; this only reclaims space. Returns how many were deleted.
   */
  public int purgeExpired() {
    long now = nowSeconds();
    int total = 0;
    while (true) {
      int n =
          db.write(
              c -> {
                PreparedStatement ps = c.prepare(purge);
                ps.setLong(1, now);
                return ps.executeUpdate();
              });
      total += n;
      if (n < PURGE_BATCH) {
        return total;
      }
    }
  }

  private static boolean readsCurrent(ItemWrite w) {
    boolean unguarded = w.condition() instanceof Condition.None;
    return !(unguarded && (w instanceof ItemWrite.Put || w instanceof ItemWrite.Delete));
  }

  /** The live items among distinct {@code keys}, in as few statements as the chunk size allows. */
  private Map<ItemKey, Item> lookup(SqlConnection c, List<ItemKey> keys, long now)
      throws SQLException {
    Map<ItemKey, Item> out = new HashMap<>();
    lookupAttrs(c, keys, now).forEach((k, attrs) -> out.put(k, new Item(k, attrs)));
    return out;
  }

  /** The live items among {@code keys}, as freshly decoded (mutable) attribute maps. */
  private Map<ItemKey, Map<String, AttrValue>> lookupAttrs(
      SqlConnection c, List<ItemKey> keys, long now) throws SQLException {
    Map<ItemKey, Map<String, AttrValue>> out = new HashMap<>();
    for (int from = 0; from < keys.size(); from += LOOKUP_CHUNK) {
      List<ItemKey> chunk = keys.subList(from, Math.min(keys.size(), from + LOOKUP_CHUNK));
      int slots = Integer.highestOneBit(chunk.size());
      slots = slots == chunk.size() ? slots : slots * 2;
      PreparedStatement ps = c.prepare(lookupSql(slots));
      int p = 1;
      for (int i = 0; i < slots; i++) {
        // Unused slots repeat the last key; the join then yields it twice, which the map absorbs.
        ItemKey k = chunk.get(Math.min(i, chunk.size() - 1));
        ps.setString(p++, k.pk());
        ps.setString(p++, k.sk());
      }
      ps.setLong(p, now);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ItemKey k = ItemKey.of(rs.getString(1), rs.getString(2));
          out.put(k, ItemCodec.decode(rs.getBytes(3)));
        }
      }
    }
    return out;
  }

  private String lookupSql(int slots) {
    StringBuilder sql = new StringBuilder("WITH k(pk, sk) AS (VALUES ");
    for (int i = 0; i < slots; i++) {
      sql.append(i == 0 ? "(?, ?)" : ", (?, ?)");
    }
    return sql.append(") SELECT t.pk, t.sk, t.attrs FROM k CROSS JOIN ")
        .append(quoted(name))
        .append(" AS t ON t.pk = k.pk AND t.sk = k.sk")
        .append(" WHERE t.expires IS NULL OR t.expires > ?")
        .toString();
  }

  private static void bindItem(PreparedStatement ps, Item item) throws SQLException {
    bind(ps, item.key(), item.attrs());
  }

  private static void bind(PreparedStatement ps, ItemKey key, Map<String, AttrValue> attrs)
      throws SQLException {
    ps.setString(1, key.pk());
    ps.setString(2, key.sk());
    ps.setBytes(3, ItemCodec.encode(attrs));
    if (attrs.get(EXPIRES_AT) instanceof AttrValue.Num expires) {
      ps.setLong(4, expires.value());
    } else {
      ps.setNull(4, Types.INTEGER);
    }
  }

  private long nowSeconds() {
    return clock.instant().getEpochSecond();
  }

  private static String quoted(String identifier) {
    return '"' + identifier + '"';
  }
}
