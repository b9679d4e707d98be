package dev.tally.core.time;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * Parses the ISO-8601 instants Tally writes itself ({@link Instant#toString()}: {@code
 * 2026-11-30T12:00:00Z}, with 0–9 fraction digits), and most clients send, without {@code
 * DateTimeFormatter}, which costs about a sixth of the aggregator's time decoding log entries and a
 * quarter of parsing an event. Anything else goes to the JDK's parser, so the result and the errors
 * are the same.
 */
public final class IsoInstants {
  private IsoInstants() {}

  /** The instant {@code s} names, exactly as {@link Instant#parse} reads it. */
  public static Instant parse(String s) {
    Instant fast = fast(s);
    return fast != null ? fast : Instant.parse(s);
  }

  /**
   * The instant of an ISO-8601 date-time with offset, exactly as {@code
   * OffsetDateTime.parse(s).toInstant()} reads it: what clients send as event timestamps.
   */
  public static Instant parseWithOffset(String s) {
    Instant fast = fast(s);
    return fast != null ? fast : OffsetDateTime.parse(s).toInstant();
  }

  /**
   * The common form, or null to let the JDK's parser decide. {@link Instant#parse} and {@link
   * OffsetDateTime#parse} read this form alike.
   */
  private static Instant fast(String s) {
    int n = s.length();
    if (n < 20
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':'
        || s.charAt(n - 1) != 'Z') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
      return null;
    }
    // Leap seconds and out-of-range fields: Instant.parse has the rules and the messages.
    if (hour > 23 || minute > 59 || second > 59) {
      return null;
    }
    int nanos = 0;
    if (n > 20) {
      int digitCount = n - 21;
      if (s.charAt(19) != '.' || digitCount < 1 || digitCount > 9) {
        return null;
      }
      int fraction = digits(s, 20, n - 1);
      if (fraction < 0) {
        return null;
      }
      nanos = fraction;
      for (int i = digitCount; i < 9; i++) {
        nanos *= 10;
      }
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null;
    }
    return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The decimal number in {@code s[from, to)}, or -1 when any character is not a digit. */
  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
