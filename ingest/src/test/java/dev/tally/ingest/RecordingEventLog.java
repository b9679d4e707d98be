package dev.tally.ingest;

import dev.tally.core.error.RetryableException;
import dev.tally.core.event.Event;
import dev.tally.core.port.EventLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A fake {@link EventLog} for unit tests: records appends, or fails like an unavailable log. */
public final class RecordingEventLog implements EventLog {
  public final List<List<Event>> appends = new ArrayList<>();
  public boolean down;

  @Override
  public synchronized void append(String storeId, List<Event> events) {
    if (down) {
      throw new RetryableException("log_unavailable", "fake log is down", Duration.ofSeconds(5));
    }
    appends.add(List.copyOf(events));
  }

  public synchronized List<Event> events() {
    return appends.stream().flatMap(List::stream).toList();
  }
}
