package dev.tally.aggregator.regulation;

import dev.tally.core.event.Event;
import dev.tally.core.event.LogEntry;
import dev.tally.core.regulation.RawEventSource;
import dev.tally.core.regulation.Redactor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** An archive in a list, for the deletion tests: a raw-event source and its redactor. */
final class ListArchive {
  final List<LogEntry> entries;

  ListArchive(List<LogEntry> entries) {
    this.entries = new ArrayList<>(entries);
  }

  RawEventSource source() {
    return (store, zone, from, to, sink) -> List.copyOf(entries).forEach(sink);
  }

  Redactor redactor() {
    return new Redactor() {
      @Override
      public String name() {
        return "redact-archive";
      }

      @Override
      public String redact(
          String store, Predicate<Event> remove, Consumer<List<Event>> beforeRemoving) {
        for (int i = 0; i < entries.size(); i++) {
          LogEntry e = entries.get(i);
          List<Event> keep = e.events().stream().filter(remove.negate()).toList();
          if (keep.size() < e.events().size()) {
            beforeRemoving.accept(e.events().stream().filter(remove).toList());
            entries.set(i, keep.isEmpty() ? null : new LogEntry(e.id(), e.storeId(), keep));
          }
        }
        entries.removeIf(Objects::isNull);
        return "ok";
      }
    };
  }
}
