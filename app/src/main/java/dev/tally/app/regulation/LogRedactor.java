package dev.tally.app.regulation;

import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.core.regulation.Redactor;
import dev.tally.sqlite.SqliteEventLog;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Removes events from the embedded durable log ({@code log.db}), which keeps acknowledged records 7
 * days and dead letters until replayed: each record holding one is rewritten without it, or deleted
 * when nothing is left.
 */
public final class LogRedactor implements Redactor {
  private final SqliteEventLog log;

  public LogRedactor(SqliteEventLog log) {
    this.log = log;
  }

  @Override
  public String name() {
    return "redact-log";
  }

  @Override
  public String redact(
      String store, Predicate<Event> remove, Consumer<List<Event>> beforeRemoving) {
    int[] removed = {0};
    int changed =
        log.rewrite(
            store,
            r -> {
              LogEntry entry;
              try {
                entry = EventCodec.decode(r.body());
              } catch (IllegalArgumentException e) {
                return r.body(); // not an entry (a dead letter that never decoded): left as is
              }
              List<Event> keep = new ArrayList<>();
              List<Event> gone = new ArrayList<>();
              for (Event e : entry.events()) {
                (remove.test(e) ? gone : keep).add(e);
              }
              if (gone.isEmpty()) {
                return r.body();
              }
              beforeRemoving.accept(gone);
              removed[0] += gone.size();
              return keep.isEmpty()
                  ? null
                  : EventCodec.encode(new LogEntry(entry.id(), entry.storeId(), keep));
            });
    return removed[0] + " event(s) removed from " + changed + " log record(s)";
  }
}
