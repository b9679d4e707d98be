package dev.tally.core.item;

import dev.tally.core.agg.FunnelStep;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

/**
 * The metrics table's key layout. Every partition key starts with the store id, so stores sharing a
 * table never mix. Ranges of days are one Query on a partition with {@code sk BETWEEN}.
 *
 * <pre>
 * person-day    {store}#USER#{uid}            DAY#{yyyy-mm-dd}   counters, firstSeen, lastSeen,
 *                                                                steps, seen (<= 2,000), markPages, ver,
 *                                                                sess (the device-day's sessions)
 * mark page     {store}#USER#{device}         MARKS#{day}#{n}    seen (<= 2,000 more marks)
 * store-day     {store}#STORE#SHARD#{k}       DAY#{d}            counters + distinct steps
 * product-day   {store}#PRODUCTS#DAY#{d}      BUCKET#{k}         views:{id}, adds:{id}, removes:{id},
 *                                                                units:{id}, revenue:{id}
 * sketch        {store}#SKETCH#{step}         DAY#{d}            hll, ver
 * week sketch   {store}#SKETCHW#{step}        WEEK#{monday}      hll, ver (union of the week's days)
 * alias         {store}#ALIAS#{anonymousId}   LINK               userId
 * links         {store}#LINKS#{userId}        ANON#{anonymousId}
 * first visit   {store}#USER#{device}         FIRST              firstDay (epoch day), ver
 * acquisition   {store}#ACQ#DAY#{d}           DIM#{dimension}    sessions:{label}, orders:{label},
 *                                                                revenue:{label} (<= 50 labels a day)
 *                                             TOTAL              sessions, newVisitors
 * bad event     {store}#BAD                   {messageId}        body, reason, failedAt (30 days)
 * refused call  {store}#REJECTED#{utc day}    {receivedAt}#{id}  code, reason, json (7 days)
 * customer      {store}#CUSTOMERS#{k}         C#{uid}            ordersCompleted, revenue (lifetime),
 *                                                                orderDays (epoch days, a set)
 * buyers-day    {store}#BUYERS#DAY#{d}        C#{uid}            ordersCompleted, revenue (that day)
 * buyers roll-ups {store}#BUYERS#WEEK#{monday}, {store}#BUYERS#MONTH#{first day}
 *                                             C#{uid}            the same, summed over the period
 * </pre>
 *
 * <p>Customer items are written only by {@code Order Completed} events, in the same atomic write as
 * their marks; {@code k} is the uid's shard of {@link #CUSTOMER_SHARDS}, so no single partition
 * takes every order of a busy store.
 */
public final class MetricKeys {
  /** Person-day: the funnel steps reached that day, as {@link FunnelStep} bits. */
  public static final String STEPS = "steps";

  /** Person-day: 8-byte hashes of message ids already counted (per-event exactly-once). */
  public static final String SEEN = "seen";

  /** Device-day: how many spill pages of marks it has ({@link #markPage}). */
  public static final String MARK_PAGES = "markPages";

  /**
   * Spill page {@code n} (from 1) of a device-day's marks, in the same partition. Its sort key is
   * outside every {@code DAY#} range, so day queries never see it.
   */
  public static ItemKey markPage(ItemKey deviceDay, int n) {
    return ItemKey.of(
        deviceDay.pk(), "MARKS#" + deviceDay.sk().substring(DAY_PREFIX.length()) + "#" + n);
  }

  /** Optimistic-concurrency version of person-day and sketch items. */
  public static final String VERSION = "ver";

  public static final String FIRST_SEEN = "firstSeen";
  public static final String LAST_SEEN = "lastSeen";
  public static final String HLL = "hll";
  public static final String USER_ID = "userId";
  public static final String DAY_PREFIX = "DAY#";

  private MetricKeys() {}

  public static String userPk(String store, String uid) {
    return store + "#USER#" + uid;
  }

  public static String daySk(LocalDate day) {
    return DAY_PREFIX + day;
  }

  public static LocalDate dayOf(String sk) {
    return LocalDate.parse(sk.substring(DAY_PREFIX.length()));
  }

  public static String storeShardPk(String store, int shard) {
    return store + "#STORE#SHARD#" + shard;
  }

  public static String productsPk(String store, LocalDate day) {
    return store + "#PRODUCTS#DAY#" + day;
  }

  /** Weekly roll-up of the product buckets, keyed by the week's Monday. */
  public static String productsWeekPk(String store, LocalDate monday) {
    return store + "#PRODUCTS#WEEK#" + monday;
  }

  /** Monthly roll-up of the product buckets, keyed by the month's first day. */
  public static String productsMonthPk(String store, LocalDate firstOfMonth) {
    return store + "#PRODUCTS#MONTH#" + firstOfMonth;
  }

  /**
   * Every product partition a count of {@code day} is added to: the day's own, its ISO week's and
   * its calendar month's, so a range is read as whole months and weeks plus edge days ({@link
   * dev.tally.core.agg.Periods}).
   */
  public static List<String> productsPks(String store, LocalDate day) {
    return List.of(
        productsPk(store, day),
        productsWeekPk(store, dev.tally.core.agg.Weeks.start(day)),
        productsMonthPk(store, day.withDayOfMonth(1)));
  }

  /**
   * Product counters of a day are spread over this many bucket items, one attribute per counter and
   * product. Few items per day keep a batch's writes few (each chunk rewrites shared items) and a
   * day's read small. Readers take whatever buckets a day has, so the number can change at any
   * time; raise it for catalogs that sell many thousands of products a day, since an item grows by
   * about 100 bytes per product sold that day.
   */
  public static final int PRODUCT_BUCKETS = 16;

  public static String productBucketSk(String productId) {
    return "BUCKET#" + dev.tally.core.agg.Keys.shardOf(productId, PRODUCT_BUCKETS);
  }

  /** The attribute holding one counter of one product, e.g. {@code views:p-1}. */
  public static String productAttribute(String counter, String productId) {
    return counter + ":" + productId;
  }

  /** Splits a product attribute into {counter, productId}; null for any other attribute. */
  public static String[] parseProductAttribute(String attribute) {
    int colon = attribute.indexOf(':');
    return colon <= 0
        ? null
        : new String[] {attribute.substring(0, colon), attribute.substring(colon + 1)};
  }

  public static String sketchPk(String store, FunnelStep step) {
    return sketchPk(store, step.attribute());
  }

  /** Daily sketches of a named set of devices: a funnel step's, or {@link #RETURNING}. */
  public static String sketchPk(String store, String name) {
    return store + "#SKETCH#" + name;
  }

  /** Weekly roll-up of a step's daily sketches, keyed by the week's Monday. */
  public static String sketchWeekPk(String store, FunnelStep step) {
    return sketchWeekPk(store, step.attribute());
  }

  public static String sketchWeekPk(String store, String name) {
    return store + "#SKETCHW#" + name;
  }

  /**
   * The sketch of returning visitors: devices active on a day after the day of their first visit.
   */
  public static final String RETURNING = "returning";

  public static String weekSk(LocalDate monday) {
    return "WEEK#" + monday;
  }

  /** Events that could never be applied, kept for inspection ({@code tally dlq}). */
  public static String badPk(String store) {
    return store + "#BAD";
  }

  /**
   * The calls ingest refused on one UTC day, kept {@link #REJECTED_RETENTION} ({@code tally dlq}).
   */
  public static String rejectedPk(String store, LocalDate utcDay) {
    return store + "#REJECTED#" + utcDay;
  }

  /** How long a refused call is kept. */
  public static final Duration REJECTED_RETENTION = Duration.ofDays(7);

  public static String aliasPk(String store, String anonymousId) {
    return store + "#ALIAS#" + anonymousId;
  }

  public static final String ALIAS_SK = "LINK";

  /** The store's product catalog: one item per product, {@code P#<productId>}. */
  public static String catalogPk(String store) {
    return store + "#CATALOG";
  }

  public static String catalogSk(String productId) {
    return "P#" + productId;
  }

  /** Catalog item attributes: the product's name, image URL and the day they were said on. */
  public static final String NAME = "name";

  public static final String IMAGE_URL = "imageUrl";
  public static final String CATALOG_DAY = "day";

  /** Device-day: its sessions as {@link dev.tally.core.agg.Sessions#encode} wrote them. */
  public static final String SESSIONS = "sess";

  /** A device's first-visit item, outside every {@code DAY#} range of its partition. */
  public static ItemKey firstVisit(String store, String deviceId) {
    return ItemKey.of(userPk(store, deviceId), FIRST_SK);
  }

  /** First-visit item: the store-local epoch day of the device's first event. */
  public static final String FIRST_DAY = "firstDay";

  /** The sort key of a device's first visit. */
  public static final String FIRST_SK = "FIRST";

  /** Acquisition of one store-local day. */
  public static String acquisitionDayPk(String store, LocalDate day) {
    return store + "#ACQ#DAY#" + day;
  }

  /** Acquisition item of one dimension: {@code sessions:<label>} and so on. */
  public static String dimensionSk(dev.tally.core.agg.Touch.Dimension d) {
    return "DIM#" + d.key();
  }

  /** Acquisition item of the period's totals: {@code sessions}, {@code newVisitors}. */
  public static final String TOTAL_SK = "TOTAL";

  public static final String NEW_VISITORS = "newVisitors";
  public static final String SESSIONS_TOTAL = "sessions";

  public static String linksPk(String store, String userId) {
    return store + "#LINKS#" + userId;
  }

  public static String linkSk(String anonymousId) {
    return "ANON#" + anonymousId;
  }

  /** The customer index is spread over this many partitions (by uid), read side by side. */
  public static final int CUSTOMER_SHARDS = 16;

  /** Customer and buyers items: the epoch days (store-local) on which the person ordered. */
  public static final String ORDER_DAYS = "orderDays";

  /** Customer and buyers items: orders completed (the same name as the person-day counter). */
  public static final String ORDERS_COMPLETED = "ordersCompleted";

  /** Customer and buyers items: revenue in minor units of the store's currency. */
  public static final String REVENUE = "revenue";

  private static final String CUSTOMER_PREFIX = "C#";

  /** One shard of the customer index: lifetime orders and revenue per uid. */
  public static String customersPk(String store, int shard) {
    return store + "#CUSTOMERS#" + shard;
  }

  /** The customer-index item of a uid. */
  public static ItemKey customerKey(String store, String uid) {
    return ItemKey.of(
        customersPk(store, dev.tally.core.agg.Keys.shardOf(uid, CUSTOMER_SHARDS)), customerSk(uid));
  }

  public static String customerSk(String uid) {
    return CUSTOMER_PREFIX + uid;
  }

  /** The uid of a customer or buyers sort key, or null for any other sort key. */
  public static String uidOfCustomerSk(String sk) {
    return sk.startsWith(CUSTOMER_PREFIX) ? sk.substring(CUSTOMER_PREFIX.length()) : null;
  }

  /** The partition of one part of a range's cover ({@link dev.tally.core.agg.Periods}). */
  public static String buyersPk(String store, dev.tally.core.agg.Periods.Part part) {
    return store + "#BUYERS#" + part.kind() + "#" + part.start();
  }

  /**
   * Every buyers partition an order of {@code day} is added to: the day's, its ISO week's and its
   * calendar month's, like {@link #productsPks}.
   */
  public static List<String> buyersPks(String store, LocalDate day) {
    return List.of(
        buyersPk(
            store, new dev.tally.core.agg.Periods.Part(dev.tally.core.agg.Periods.Kind.DAY, day)),
        buyersPk(
            store,
            new dev.tally.core.agg.Periods.Part(
                dev.tally.core.agg.Periods.Kind.WEEK, dev.tally.core.agg.Weeks.start(day))),
        buyersPk(
            store,
            new dev.tally.core.agg.Periods.Part(
                dev.tally.core.agg.Periods.Kind.MONTH, day.withDayOfMonth(1))));
  }
}
