package dev.tally.core.agg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SumsTest {
  @Test
  void add_isExactInRange_andStaysAtTheEndsInsteadOfWrapping() {
    assertThat(Sums.add(2, 3)).isEqualTo(5);
    assertThat(Sums.add(-2, 3)).isEqualTo(1);
    assertThat(Sums.add(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
    assertThat(Sums.add(Long.MAX_VALUE - 5, 9_000_000_000_000_000_000L)).isEqualTo(Long.MAX_VALUE);
    assertThat(Sums.add(Long.MIN_VALUE, -1)).isEqualTo(Long.MIN_VALUE);
    assertThat(Sums.add(Long.MAX_VALUE, Long.MIN_VALUE)).isEqualTo(-1);
  }
}
