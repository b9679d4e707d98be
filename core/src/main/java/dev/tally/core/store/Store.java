package dev.tally.core.store;

import dev.tally.core.money.Money;
import java.time.ZoneId;
import java.util.Currency;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** A tenant: its id, calendar, currency and the browser origins allowed to send to it. */
public record Store(String id, ZoneId timezone, Currency currency, List<String> allowedOrigins) {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  public Store {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "store id must be 1-63 characters of a-z, 0-9, '_' or '-', starting with a letter or"
              + " digit");
    }
    Objects.requireNonNull(timezone, "timezone");
    Objects.requireNonNull(currency, "currency");
    allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
  }

  public static Store of(String id, String timezone, String currency, List<String> origins) {
    ZoneId zone;
    try {
      zone = ZoneId.of(timezone == null ? "UTC" : timezone);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("timezone '" + timezone + "' is not an IANA time zone");
    }
    return new Store(id, zone, Money.currency(currency == null ? "USD" : currency), origins);
  }

  /** True when a browser at {@code origin} may send events to this store. */
  public boolean allowsOrigin(String origin) {
    return allowedOrigins.contains("*") || allowedOrigins.contains(origin);
  }
}
