package dev.tally.opensearch.archive;

import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads one archive file line by line. Each line is a log entry; a line that does not decode is
 * handed to {@code onBadLine} with the reason and the rest of the file is still read. Firehose may
 * concatenate several gzip members in one object; {@link GZIPInputStream} reads them all.
 */
public final class ArchiveReader {
  /** What the reader hands on. */
  public interface Sink {
    void entry(LogEntry entry, String line) throws IOException;

    void badLine(String line, String reason) throws IOException;
  }

  private ArchiveReader() {}

  /**
   * Reads {@code compressed} to its end.
   *
   * @param progress told how many compressed bytes were consumed, as they are
   */
  public static void read(InputStream compressed, Sink sink, LongConsumer progress)
      throws IOException {
    try (InputStream counted = new Counting(compressed, progress);
        BufferedReader lines =
            new BufferedReader(
                new InputStreamReader(
                    new GZIPInputStream(counted, 64 * 1024), StandardCharsets.UTF_8),
                256 * 1024)) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        LogEntry entry;
        try {
          entry = EventCodec.decode(line);
        } catch (RuntimeException e) {
          sink.badLine(line, "not a log entry: " + e.getMessage());
          continue;
        }
        sink.entry(entry, line);
      }
    }
  }

  /** Reports bytes as they are read. */
  private static final class Counting extends FilterInputStream {
    private final LongConsumer progress;

    Counting(InputStream in, LongConsumer progress) {
      super(in);
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        progress.accept(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        progress.accept(n);
      }
      return n;
    }
  }
}
