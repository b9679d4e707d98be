package dev.tally.dynamodb.internal;

import dev.tally.core.item.Condition;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.dynamodb.Attr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The expressions of one write: an update expression and a condition expression, with a placeholder
 * for every attribute name and value (so no name clashes with DynamoDB's reserved words). Expired
 * items count as absent, as {@link ItemStore} says: conditions look at {@link ItemStore#EXPIRES_AT}
 * against {@code now}, and an update only applies to a live item (or none), never to an expired one
 * that DynamoDB's TTL has not deleted yet.
 */
public final class Expressions {
  private final long now;
  private final Map<String, String> names = new LinkedHashMap<>();
  private final Map<String, String> placeholderOf = new HashMap<>();
  private final Map<String, AttributeValue> values = new LinkedHashMap<>();

  public Expressions(long nowEpochSeconds) {
    this.now = nowEpochSeconds;
  }

  public Map<String, String> names() {
    return names;
  }

  public Map<String, AttributeValue> values() {
    return values;
  }

  /** Names and values as the SDK wants them: null when empty (DynamoDB refuses empty maps). */
  public Map<String, String> namesOrNull() {
    return names.isEmpty() ? null : names;
  }

  public Map<String, AttributeValue> valuesOrNull() {
    return values.isEmpty() ? null : values;
  }

  String name(String attr) {
    return placeholderOf.computeIfAbsent(
        attr,
        a -> {
          String p = "#n" + names.size();
          names.put(p, a);
          return p;
        });
  }

  String value(AttributeValue v) {
    String p = ":v" + values.size();
    values.put(p, v);
    return p;
  }

  /** {@code ADD} numbers and marks, {@code SET} values, {@code REMOVE} names; null if none. */
  public String update(ItemWrite.Update u) {
    List<String> add = new ArrayList<>();
    u.add().forEach((a, n) -> add.add(name(checked(a)) + " " + value(ItemCodec.num(n))));
    u.addMarks().forEach((a, m) -> add.add(name(checked(a)) + " " + value(ItemCodec.marks(m))));
    List<String> set = new ArrayList<>();
    u.set().forEach((a, v) -> set.add(name(checked(a)) + " = " + value(ItemCodec.encode(v))));
    List<String> remove = new ArrayList<>();
    u.remove().forEach(a -> remove.add(name(checked(a))));
    StringBuilder b = new StringBuilder();
    clause(b, "ADD", add);
    clause(b, "SET", set);
    clause(b, "REMOVE", remove);
    return b.length() == 0 ? null : b.toString();
  }

  private static String checked(String attr) {
    ItemCodec.checkName(attr);
    return attr;
  }

  private static void clause(StringBuilder b, String verb, List<String> parts) {
    if (!parts.isEmpty()) {
      b.append(b.length() == 0 ? "" : " ")
          .append(verb)
          .append(' ')
          .append(String.join(", ", parts));
    }
  }

  /**
   * The condition of {@code w}, or null when it has none. Puts and deletes replace or remove the
   * whole item, so an expired item only has to count as absent; an update also requires the item to
   * be live (or absent), so that it never adds to an expired item's attributes.
   */
  public String condition(ItemWrite w) {
    Condition c = w.condition();
    if (w instanceof ItemWrite.Update) {
      String plain = plain(c);
      return plain == null ? live() : "(" + plain + ") AND " + live();
    }
    String plain = plain(c);
    if (plain == null) {
      return null;
    }
    return c.test(null) ? "(" + plain + ") OR " + expired() : "(" + plain + ") AND " + live();
  }

  /** Holds while the stored item is expired (and so counts as absent). */
  public String expired() {
    return "(" + name(ItemStore.EXPIRES_AT) + " <= " + nowValue() + ")";
  }

  private String live() {
    String ttl = name(ItemStore.EXPIRES_AT);
    return "(attribute_not_exists(" + ttl + ") OR " + ttl + " > " + nowValue() + ")";
  }

  private String nowValue() {
    if (!values.containsKey(":now")) {
      values.put(":now", ItemCodec.num(now));
    }
    return ":now";
  }

  /** The condition on the stored item as it is, expiry aside; null for none. */
  private String plain(Condition c) {
    if (c instanceof Condition.ItemAbsent) {
      return "attribute_not_exists(" + name(Attr.PK) + ")";
    }
    if (c instanceof Condition.ItemExists) {
      return "attribute_exists(" + name(Attr.PK) + ")";
    }
    if (c instanceof Condition.AttrAbsent a) {
      return "attribute_not_exists(" + name(a.attr()) + ")";
    }
    if (c instanceof Condition.NumEquals e) {
      return name(e.attr()) + " = " + value(ItemCodec.num(e.value()));
    }
    if (c instanceof Condition.NumAtLeast m) {
      return name(m.attr()) + " >= " + value(ItemCodec.num(m.value()));
    }
    return null;
  }
}
