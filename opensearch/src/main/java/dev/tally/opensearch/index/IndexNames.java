package dev.tally.opensearch.index;

import java.time.LocalDate;
import java.util.regex.Pattern;

/**
 * The names Tally uses in OpenSearch, all under one prefix (default {@code tally}):
 *
 * <pre>
 * {prefix}-events-YYYY.MM     monthly index of the events whose store-local day is in that month,
 *                             shared by every store
 * {prefix}-events             the index template's name; it applies to {prefix}-events-*
 * {prefix}-store-{storeId}    an alias over every monthly index, filtered to one store
 * </pre>
 *
 * A document's {@code _id} is {@code {storeId}:{messageId}}: with the index fixed by the event's
 * own day, every replay of the same event writes the same document.
 */
public record IndexNames(String prefix) {
  public static final String DEFAULT_PREFIX = "tally";
  private static final Pattern PREFIX = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,100}");

  public IndexNames {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "index prefix must be lower-case letters, digits, '_', '.' or '-'");
    }
  }

  public static IndexNames defaults() {
    return new IndexNames(DEFAULT_PREFIX);
  }

  public String template() {
    return prefix + "-events";
  }

  /** The pattern the template applies to. */
  public String pattern() {
    return prefix + "-events-*";
  }

  public String index(LocalDate storeLocalDay) {
    return String.format(
        "%s-events-%04d.%02d", prefix, storeLocalDay.getYear(), storeLocalDay.getMonthValue());
  }

  public String storeAlias(String storeId) {
    return prefix + "-store-" + storeId;
  }

  public static String documentId(String storeId, String messageId) {
    return storeId + ":" + messageId;
  }
}
