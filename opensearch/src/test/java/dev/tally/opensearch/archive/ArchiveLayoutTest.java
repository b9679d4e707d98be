package dev.tally.opensearch.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ArchiveLayoutTest {

  @Test
  void localAndFirehoseKeys_parseToTheirPartition() {
    assertThat(ArchiveLayout.parse("store=s1/dt=2026-11-30/hour=07/part-1-2.jsonl.gz"))
        .contains(new ArchiveLayout.Partition("s1", LocalDate.of(2026, 11, 30), 7));
    assertThat(
            ArchiveLayout.parse(
                "events/store=shop-2/dt=2026-01-02/hour=23/tally-dev-archive-3-2026-01-02-23-59-59-ab.jsonl.gz"))
        .contains(new ArchiveLayout.Partition("shop-2", LocalDate.of(2026, 1, 2), 23));
  }

  @Test
  void bookkeepingTempAndForeignFiles_areNotData() {
    assertThat(ArchiveLayout.parse("_tally/state.json")).isEmpty();
    assertThat(ArchiveLayout.parse("_tally/tmp/1-2-0.jsonl.gz.tmp")).isEmpty();
    assertThat(ArchiveLayout.parse("store=s1/dt=2026-11-30/hour=07/_x.jsonl.gz")).isEmpty();
    assertThat(ArchiveLayout.parse("errors/processing-failed/dt=2026-11-30/x.gz")).isEmpty();
    assertThat(ArchiveLayout.parse("store=s1/dt=2026-13-30/hour=07/a.gz")).isEmpty();
    assertThat(ArchiveLayout.parse("store=s1/dt=2026-11-30/hour=24/a.gz")).isEmpty();
  }

  @Test
  void partitionOfAnArrival_isItsUtcHour_andNamesSortInLogOrder() {
    ArchiveLayout.Partition p =
        ArchiveLayout.Partition.of("s1", Instant.parse("2026-11-30T23:59:59.999Z"));
    assertThat(p.path()).isEqualTo("store=s1/dt=2026-11-30/hour=23");
    assertThat(ArchiveLayout.fileName(9, 10)).isLessThan(ArchiveLayout.fileName(11, 200));
  }

  @Test
  void aRangeSkipsOnlyPartitionsThatArrivedBeforeItsSlack_andKeepsLateArrivals() {
    ArchiveFilter f =
        new ArchiveFilter(
            Optional.of("s1"),
            Optional.of(LocalDate.of(2026, 11, 10)),
            Optional.of(LocalDate.of(2026, 11, 12)));
    assertThat(f.mayHold(new ArchiveLayout.Partition("s1", LocalDate.of(2026, 11, 6), 0)))
        .isFalse();
    assertThat(f.mayHold(new ArchiveLayout.Partition("s1", LocalDate.of(2026, 11, 7), 0))).isTrue();
    // Arrived long after the range (an import, an offline device): still read.
    assertThat(f.mayHold(new ArchiveLayout.Partition("s1", LocalDate.of(2026, 12, 25), 0)))
        .isTrue();
    assertThat(f.mayHold(new ArchiveLayout.Partition("s2", LocalDate.of(2026, 11, 11), 0)))
        .isFalse();
    assertThat(f.wants("s1", LocalDate.of(2026, 11, 12))).isTrue();
    assertThat(f.wants("s1", LocalDate.of(2026, 11, 13))).isFalse();
    assertThat(f.wants("s2", LocalDate.of(2026, 11, 11))).isFalse();
  }
}
