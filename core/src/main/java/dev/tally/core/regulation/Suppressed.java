package dev.tally.core.regulation;

import dev.tally.core.event.AliasEvent;
import dev.tally.core.event.Event;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** Which ids an event names, and filtering events against a set of ids or a suppression list. */
public final class Suppressed {
  private Suppressed() {}

  /** The person ids an event carries: user id, anonymous id, and an alias's previous id. */
  public static Set<String> ids(Event e) {
    Set<String> out = new LinkedHashSet<>(3);
    if (e.header().userId() != null) {
      out.add(e.header().userId());
    }
    if (e.header().anonymousId() != null) {
      out.add(e.header().anonymousId());
    }
    if (e instanceof AliasEvent a) {
      out.add(a.previousId());
    }
    return out;
  }

  /** True when the event names any of {@code ids}. */
  public static Predicate<Event> naming(Collection<String> ids) {
    Set<String> set = Set.copyOf(ids);
    return e -> {
      for (String id : ids(e)) {
        if (set.contains(id)) {
          return true;
        }
      }
      return false;
    };
  }

  /**
   * The events of {@code events} that name nobody suppressed in {@code store}: one lookup for the
   * distinct ids of the whole list.
   */
  public static List<Event> drop(SuppressionList list, String store, List<Event> events) {
    if (list == SuppressionList.NONE || events.isEmpty()) {
      return events;
    }
    Set<String> all = new LinkedHashSet<>();
    events.forEach(e -> all.addAll(ids(e)));
    Set<String> hit = list.suppressedAmong(store, all);
    if (hit.isEmpty()) {
      return events;
    }
    Predicate<Event> named = naming(hit);
    List<Event> out = new ArrayList<>(events.size());
    for (Event e : events) {
      if (!named.test(e)) {
        out.add(e);
      }
    }
    return out;
  }
}
