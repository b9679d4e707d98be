package dev.tally.core.money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/** Exact money arithmetic in minor units (cents); amounts never pass through binary floats. */
public final class Money {
  private Money() {}

  /** Parses an ISO 4217 code, or throws with a message naming the bad value. */
  public static Currency currency(String code) {
    try {
      Currency c = Currency.getInstance(code);
      if (c.getDefaultFractionDigits() < 0) {
        throw new IllegalArgumentException("currency " + code + " has no minor unit");
      }
      return c;
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("currency '" + code + "' is not an ISO 4217 code");
    }
  }

  /**
   * Converts a decimal amount to minor units of {@code currency}. Rejects negative amounts and
   * amounts with more decimals than the currency has.
   */
  public static long toMinor(BigDecimal amount, Currency currency) {
    if (amount.signum() < 0) {
      throw new IllegalArgumentException("must not be negative");
    }
    int digits = currency.getDefaultFractionDigits();
    BigDecimal stripped = amount.stripTrailingZeros();
    if (stripped.scale() > digits) {
      throw new IllegalArgumentException(
          "has more than " + digits + " decimals for " + currency.getCurrencyCode());
    }
    try {
      return amount.movePointRight(digits).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("is too large");
    }
  }

  /** Formats minor units as a plain decimal string, e.g. {@code 1250 USD -> "12.50"}. */
  public static String format(long minor, Currency currency) {
    return BigDecimal.valueOf(minor, currency.getDefaultFractionDigits()).toPlainString();
  }
}
