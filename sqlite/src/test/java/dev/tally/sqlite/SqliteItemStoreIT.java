package dev.tally.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.ConditionFailedException;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.testkit.ItemStoreConformance;
import dev.tally.testkit.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The item store on a database file: the conformance suite, then what only SQLite has. */
class SqliteItemStoreIT extends ItemStoreConformance {
  @TempDir Path dir;
  private final List<SqliteDatabase> databases = new ArrayList<>();

  @Override
  protected ItemStore newStore() {
    return open(SqliteDatabase.Options.defaults()).table("metrics");
  }

  private SqliteDatabase open(SqliteDatabase.Options options) {
    SqliteDatabase db = SqliteDatabase.open(dir.resolve("tally.db"), options);
    databases.add(db);
    return db;
  }

  @AfterEach
  void close() {
    databases.forEach(SqliteDatabase::close);
  }

  @Test
  void partitionReads_seeEveryChange_toItemsTheyReadBefore_includingAnotherHandlesWrites() {
    ItemKey key = ItemKey.of("p", "s");
    store.write(List.of(ItemWrite.update(key).add("n", 1).build()));
    assertThat(store.query(ItemQuery.partition("p")).get(0).num("n")).isEqualTo(1);
    store.write(List.of(ItemWrite.update(key).add("n", 1).build()));
    assertThat(store.query(ItemQuery.partition("p")).get(0).num("n")).isEqualTo(2);
    // Another handle on the same file (another process, say) bypasses this store's cache.
    ItemStore other = open(SqliteDatabase.Options.defaults()).table("metrics");
    other.write(List.of(ItemWrite.update(key).add("n", 3).build()));
    assertThat(store.query(ItemQuery.partition("p")).get(0).num("n")).isEqualTo(5);
    other.write(List.of(ItemWrite.delete(key, Condition.NONE)));
    assertThat(store.query(ItemQuery.partition("p"))).isEmpty();
  }

  @Test
  void tablesInOneFile_keepTheirItemsApart() {
    SqliteDatabase db = databases.get(0);
    ItemStore other = db.table("dedup");
    ItemKey key = ItemKey.of("p", "s");
    store.write(List.of(ItemWrite.update(key).add("n", 1).build()));
    other.write(List.of(ItemWrite.update(key).add("n", 5).build()));
    assertThat(store.get(key).orElseThrow().num("n")).isEqualTo(1);
    assertThat(other.get(key).orElseThrow().num("n")).isEqualTo(5);
    assertThat(db.table("metrics")).isSameAs(store);
  }

  @Test
  void items_surviveCloseAndReopen() {
    ItemKey key = ItemKey.of("s#STORE#SHARD#0", "DAY#2026-01-01");
    store.write(List.of(ItemWrite.update(key).add("orders", 3).build()));
    databases.get(0).close();
    ItemStore again = open(SqliteDatabase.Options.defaults()).table("metrics");
    assertThat(again.get(key).orElseThrow().num("orders")).isEqualTo(3);
  }

  @Test
  void tableNames_areValidated() {
    SqliteDatabase db = databases.get(0);
    for (String bad :
        new String[] {"", "1abc", "a-b", "a b", "x\"; DROP TABLE metrics; --", "sqlite_x"}) {
      assertThatThrownBy(() -> db.table(bad)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(db.table("Ok_name_2").name()).isEqualTo("Ok_name_2");
  }

  @Test
  void twoThousandWrites_commitInOneCall_orNotAtAll() {
    List<ItemWrite> writes = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      writes.add(
          ItemWrite.update(ItemKey.of("s#USER#u" + i, "DAY#2026-01-01"))
              .add("events", 1)
              .addMarks("seen", List.of((long) i))
              .build());
    }
    store.write(writes);
    assertThat(store.getAll(writes.stream().map(ItemWrite::key).toList())).hasSize(2_000);

    List<ItemWrite> guarded = new ArrayList<>(writes.subList(0, 1_999));
    guarded.add(
        ItemWrite.update(writes.get(1_999).key())
            .add("events", 1)
            .when(Condition.versionIs("ver", 7L))
            .build());
    assertThatThrownBy(() -> store.write(guarded))
        .isInstanceOfSatisfying(
            ConditionFailedException.class, e -> assertThat(e.failed()).containsExactly(1_999));
    assertThat(store.get(writes.get(0).key()).orElseThrow().num("events")).isEqualTo(1);
  }

  @Test
  void purgeExpired_deletesOnlyExpiredRows() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
    SqliteDatabase db = open(SqliteDatabase.Options.defaults().withClock(clock));
    SqliteItemStore t = db.table("dedup");
    long now = clock.instant().getEpochSecond();
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 2_500; i++) {
      items.add(
          Item.of(
              ItemKey.of("s#DEDUP", "m" + i),
              Map.of(ItemStore.EXPIRES_AT, AttrValue.num(now + 10))));
    }
    items.add(Item.of(ItemKey.of("s#DEDUP", "forever"), Map.of("n", AttrValue.num(1))));
    t.putAll(items);
    assertThat(t.purgeExpired()).isZero();

    clock.advance(Duration.ofSeconds(10));
    assertThat(t.get(ItemKey.of("s#DEDUP", "m0"))).as("expired at its second").isEmpty();
    assertThat(t.purgeExpired()).isEqualTo(2_500);
    assertThat(t.purgeExpired()).isZero();
    assertThat(rows(db, "dedup")).isEqualTo(1);
  }

  @Test
  void backgroundPurge_removesExpiredRowsByItself() throws Exception {
    SqliteDatabase db =
        open(SqliteDatabase.Options.defaults().withPurgeEvery(Duration.ofMillis(50)));
    SqliteItemStore t = db.table("dedup");
    long past = Instant.now().getEpochSecond() - 1;
    t.putAll(
        List.of(
            Item.of(ItemKey.of("p", "old"), Map.of(ItemStore.EXPIRES_AT, AttrValue.num(past)))));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (rows(db, "dedup") > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(rows(db, "dedup")).isZero();
  }

  @Test
  void corruptRow_failsWithAClearError_notAsRetryable() throws Exception {
    SqliteDatabase db = databases.get(0);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.file());
        PreparedStatement ps =
            c.prepareStatement("INSERT INTO metrics (pk, sk, attrs) VALUES ('p', 's', ?)")) {
      ps.setBytes(1, new byte[] {1, 3, 0});
      ps.executeUpdate();
    }
    assertThatThrownBy(() -> store.get(ItemKey.of("p", "s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("corrupt item attributes");
  }

  @Test
  void closedDatabase_refusesCalls() {
    databases.get(0).close();
    assertThatThrownBy(() -> store.get(ItemKey.of("p", "s")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(
            () -> store.write(List.of(ItemWrite.update(ItemKey.of("p", "s")).add("n", 1).build())))
        .isInstanceOf(IllegalStateException.class);
  }

  private static long rows(SqliteDatabase db, String table) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.file());
        ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
