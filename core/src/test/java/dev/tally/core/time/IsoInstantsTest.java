package dev.tally.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {
  @Test
  void readsWhatInstantToStringWrites_asInstantParseDoes() {
    Random r = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      long second = r.nextLong(-62_135_596_800L, 253_402_300_799L); // years 0001..9999
      int nanos =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> r.nextInt(1_000) * 1_000_000;
            case 2 -> r.nextInt(1_000_000) * 1_000;
            default -> r.nextInt(1_000_000_000);
          };
      String s = Instant.ofEpochSecond(second, nanos).toString();
      assertThat(IsoInstants.parse(s)).as(s).isEqualTo(Instant.parse(s));
      assertThat(IsoInstants.parseWithOffset(s))
          .as(s)
          .isEqualTo(OffsetDateTime.parse(s).toInstant());
    }
  }

  static final List<String> OTHER_FORMS =
      List.of(
          "2026-11-30T12:00:00.5Z",
          "2026-11-30T12:00:00.123456789Z",
          "2026-11-30t12:00:00z",
          "2026-11-30T23:59:60Z",
          "+12026-11-30T12:00:00Z",
          "2026-11-30T12:00:00+01:00",
          "2026-11-30T12:00Z",
          "2026-02-30T12:00:00Z",
          "2026-13-01T12:00:00Z",
          "2026-11-30T24:00:00Z",
          "2026-11-30T12:00:00.Z",
          "2026-11-30T12:00:00.1234567890Z",
          "2026-11-3OT12:00:00Z",
          "2026-11-30 12:00:00Z",
          "",
          "2026-11-30T12:00:00+00:00",
          "2026-11-30T12:00:00-05:30",
          "2026-11-30T12:00:00.250+14:00",
          "2026-11-30T12:00:00+18:01",
          "2026-11-30T12:00:00.5z",
          "0000-01-01T00:00:00Z",
          "2026-11-30T12:00:00ZZ",
          "2026-11-30T12:00:00.12a4Z");

  @Test
  void otherForms_areReadOrRefusedExactlyAsInstantParseDoes() {
    for (String s : OTHER_FORMS) {
      Instant expected;
      try {
        expected = Instant.parse(s);
      } catch (DateTimeParseException e) {
        assertThatThrownBy(() -> IsoInstants.parse(s))
            .as(s)
            .isInstanceOf(DateTimeParseException.class);
        continue;
      }
      assertThat(IsoInstants.parse(s)).as(s).isEqualTo(expected);
    }
  }

  @Test
  void datesWithOffsets_areReadOrRefusedExactlyAsOffsetDateTimeParseDoes() {
    Random r = new Random(11);
    List<String> forms = new java.util.ArrayList<>(OTHER_FORMS);
    // Random fields, in and out of range, and a random character spoilt.
    for (int i = 0; i < 20_000; i++) {
      String s =
          String.format(
              "%04d-%02d-%02dT%02d:%02d:%02d%s%s",
              r.nextInt(10_000),
              r.nextInt(14),
              r.nextInt(33),
              r.nextInt(26),
              r.nextInt(62),
              r.nextInt(62),
              r.nextBoolean() ? "" : "." + "123456789012".substring(0, r.nextInt(12)),
              List.of("Z", "z", "+01:00", "-00:00", "").get(r.nextInt(5)));
      if (i % 3 == 0 && !s.isEmpty()) {
        char[] c = s.toCharArray();
        c[r.nextInt(c.length)] = "0a:-.TZ+ ".charAt(r.nextInt(9));
        s = new String(c);
      }
      forms.add(s);
    }
    for (String s : forms) {
      Instant expected;
      try {
        expected = OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeParseException e) {
        assertThatThrownBy(() -> IsoInstants.parseWithOffset(s))
            .as(s)
            .isInstanceOf(DateTimeParseException.class);
        continue;
      }
      assertThat(IsoInstants.parseWithOffset(s)).as(s).isEqualTo(expected);
    }
  }
}
