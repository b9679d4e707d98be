package dev.tally.opensearch.archive;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Where archived log entries live: {@code store=<id>/dt=YYYY-MM-DD/hour=HH/<file>.jsonl.gz}, by the
 * store and the UTC hour in which the log received them (the same Hive-style keys the AWS archive's
 * Firehose writes, so Athena, Spark and {@code tally replay} read both alike). Each line of a file
 * is one log entry exactly as ingest produced it ({@code {"v":1,"id":…,"storeId":…,"events":[…]}},
 * see {@link dev.tally.core.event.EventCodec}).
 *
 * <p>Path segments starting with {@code _} or {@code .} are the writer's own bookkeeping and are
 * never data; readers skip them, as Hive-style readers do.
 */
public final class ArchiveLayout {
  /** The suffix of a finished local archive file; Firehose's objects end in {@code .gz} too. */
  public static final String SUFFIX = ".jsonl.gz";

  private ArchiveLayout() {}

  /** A partition: one store's entries received in one UTC hour. */
  public record Partition(String store, LocalDate dt, int hour) {
    public Partition {
      if (store == null || store.isBlank()) {
        throw new IllegalArgumentException("store is required");
      }
      if (hour < 0 || hour > 23) {
        throw new IllegalArgumentException("hour must be 0-23");
      }
    }

    /** The partition of an entry of {@code store} received at {@code arrival}. */
    public static Partition of(String store, Instant arrival) {
      ZonedDateTime t = arrival.atZone(ZoneOffset.UTC);
      return new Partition(store, t.toLocalDate(), t.getHour());
    }

    /** {@code store=<id>/dt=YYYY-MM-DD/hour=HH}, without a trailing slash. */
    public String path() {
      return "store=" + store + "/dt=" + dt + "/hour=" + String.format("%02d", hour);
    }
  }

  /**
   * The name of a local archive file holding log positions {@code first..last}: zero-padded, so
   * names sort in log order, and unique, since no two files hold the same position.
   */
  public static String fileName(long first, long last) {
    return String.format("part-%020d-%020d%s", first, last, SUFFIX);
  }

  /**
   * The partition of a data file from its path relative to the archive root (local or an S3 key
   * below the prefix); empty for anything that is not a data file.
   */
  public static Optional<Partition> parse(String relativePath) {
    String[] parts = relativePath.replace('\\', '/').split("/");
    if (parts.length == 0) {
      return Optional.empty();
    }
    String name = parts[parts.length - 1];
    if (!name.endsWith(".gz")) {
      return Optional.empty();
    }
    String store = null;
    LocalDate dt = null;
    int hour = -1;
    for (String p : parts) {
      if (p.startsWith("_") || p.startsWith(".")) {
        return Optional.empty();
      }
      try {
        if (p.startsWith("store=")) {
          store = p.substring("store=".length());
        } else if (p.startsWith("dt=")) {
          dt = LocalDate.parse(p.substring("dt=".length()));
        } else if (p.startsWith("hour=")) {
          hour = Integer.parseInt(p.substring("hour=".length()));
        }
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }
    if (store == null || store.isBlank() || dt == null || hour < 0 || hour > 23) {
      return Optional.empty();
    }
    return Optional.of(new Partition(store, dt, hour));
  }
}
