package dev.tally.sqlite;

import dev.tally.core.event.Event;
import dev.tally.core.event.EventHeader;
import dev.tally.core.event.Props;
import dev.tally.core.event.TrackEvent;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link SqliteEventLogCrashIT}: appends from several threads until killed,
 * printing each event id (terminated by a dot) only after {@code append} returned for it.
 */
public final class CrashAppender {
  private CrashAppender() {}

  /** Arguments: log file, thread count, id prefix. */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    String prefix = args[2];
    PrintStream out = System.out;
    SqliteEventLog log = SqliteEventLog.open(file);
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String thread = prefix + "-t" + t;
      Thread th =
          new Thread(
              () -> {
                for (int i = 0; ; i++) {
                  List<Event> batch = new ArrayList<>();
                  for (int j = 0; j < 10; j++) {
                    batch.add(event(thread + "-" + i + "-" + j));
                  }
                  log.append("store-" + (i % 3), batch);
                  StringBuilder lines = new StringBuilder();
                  batch.forEach(e -> lines.append(e.messageId()).append(".\n"));
                  synchronized (out) {
                    out.print(lines);
                    out.flush();
                  }
                }
              });
      th.start();
      all.add(th);
    }
    for (Thread th : all) {
      th.join();
    }
  }

  private static Event event(String id) {
    Instant now = Instant.now();
    return new TrackEvent(
        new EventHeader(
            id, "anon-" + id.hashCode() % 50, null, now, null, null, now, Props.empty()),
        "Product Viewed",
        Props.empty());
  }
}
