package dev.tally.core.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Currency;
import org.junit.jupiter.api.Test;

class MoneyTest {
  static final Currency USD = Currency.getInstance("USD");

  @Test
  void decimalAmounts_becomeExactMinorUnits_andFormatBack() {
    assertThat(Money.toMinor(new BigDecimal("12.5"), USD)).isEqualTo(1250);
    assertThat(Money.toMinor(new BigDecimal("0.10"), USD)).isEqualTo(10);
    assertThat(Money.toMinor(new BigDecimal("19.990"), USD)).isEqualTo(1999);
    assertThat(Money.format(1250, USD)).isEqualTo("12.50");
    assertThat(Money.format(100, Currency.getInstance("JPY"))).isEqualTo("100");
    // Sums that binary floats get wrong stay exact.
    assertThat(
            Money.toMinor(new BigDecimal("0.1"), USD) + Money.toMinor(new BigDecimal("0.2"), USD))
        .isEqualTo(30);
  }

  @Test
  void tooManyDecimals_negativeAndHugeAmounts_areRefused() {
    assertThatThrownBy(() -> Money.toMinor(new BigDecimal("1.001"), USD))
        .hasMessageContaining("more than 2 decimals");
    assertThatThrownBy(() -> Money.toMinor(new BigDecimal("-1"), USD))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> Money.toMinor(new BigDecimal("1e30"), USD))
        .hasMessageContaining("too large");
  }
}
