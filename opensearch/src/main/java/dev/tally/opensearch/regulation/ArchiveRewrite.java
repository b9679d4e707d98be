package dev.tally.opensearch.regulation;

import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.opensearch.archive.ArchiveReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;

/** One archive file read without some events: the lines to keep and the events removed. */
record ArchiveRewrite(List<String> lines, List<Event> removed) {
  static ArchiveRewrite of(InputStream compressed, Predicate<Event> remove) throws IOException {
    List<String> lines = new ArrayList<>();
    List<Event> gone = new ArrayList<>();
    ArchiveReader.read(
        compressed,
        new ArchiveReader.Sink() {
          @Override
          public void entry(LogEntry entry, String line) {
            List<Event> keep = new ArrayList<>();
            for (Event e : entry.events()) {
              (remove.test(e) ? gone : keep).add(e);
            }
            if (keep.size() == entry.events().size()) {
              lines.add(line);
            } else if (!keep.isEmpty()) {
              lines.add(EventCodec.encodeToString(new LogEntry(entry.id(), entry.storeId(), keep)));
            }
          }

          @Override
          public void badLine(String line, String reason) {
            lines.add(line);
          }
        },
        n -> {});
    return new ArchiveRewrite(lines, gone);
  }

  /** The kept lines, gzip-compressed, one per line. */
  void writeTo(OutputStream out) throws IOException {
    try (OutputStream gz = new GZIPOutputStream(out)) {
      for (String l : lines) {
        gz.write(l.getBytes(StandardCharsets.UTF_8));
        gz.write('\n');
      }
    }
  }

  byte[] gzip() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    writeTo(b);
    return b.toByteArray();
  }
}
