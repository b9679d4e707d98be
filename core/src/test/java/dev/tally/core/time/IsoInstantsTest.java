package dev.tally.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
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
    }
  }

  @Test
  void otherForms_areReadOrRefusedExactlyAsInstantParseDoes() {
    for (String s :
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
            "")) {
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
}
