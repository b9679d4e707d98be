package dev.tally.core.regulation;

import dev.tally.core.store.Store;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A request to suppress or delete people of one store, shaped like Segment's Public API regulation
 * plus the store.
 *
 * @param subjectIds the raw ids as given; they are kept only while the regulation runs
 * @param subtract also remove the people's events from store and product aggregates (by default
 *     those are kept: they are aggregate, not personal, data)
 */
public record Regulation(
    String id,
    String store,
    RegulationType type,
    SubjectType subjectType,
    List<String> subjectIds,
    Instant createdAt,
    boolean subtract) {
  /** At most this many ids per regulation (Segment's limit is 5,000). */
  public static final int MAX_SUBJECTS = 5_000;

  public Regulation {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("regulation id is required");
    }
    if (store == null || store.isBlank()) {
      throw new IllegalArgumentException("store is required");
    }
    if (type == null) {
      throw new IllegalArgumentException(
          "regulationType is required: SUPPRESS, SUPPRESS_WITH_DELETE, DELETE_ONLY or UNSUPPRESS");
    }
    if (subjectType == null) {
      throw new IllegalArgumentException("subjectType is required: USER_ID or ANONYMOUS_ID");
    }
    if (subjectIds == null || subjectIds.isEmpty()) {
      throw new IllegalArgumentException("subjectIds must hold at least one id");
    }
    if (subjectIds.size() > MAX_SUBJECTS) {
      throw new IllegalArgumentException("subjectIds holds more than " + MAX_SUBJECTS + " ids");
    }
    for (String s : subjectIds) {
      if (s == null || s.isBlank() || s.length() > 100) {
        throw new IllegalArgumentException(
            "every subject id must be a non-empty string of at most 100 characters");
      }
    }
    subjectIds = List.copyOf(new LinkedHashSet<>(subjectIds));
    if (createdAt == null) {
      throw new IllegalArgumentException("createdAt is required");
    }
  }

  public Regulation(
      String id,
      String store,
      RegulationType type,
      SubjectType subjectType,
      List<String> subjectIds,
      Instant createdAt) {
    this(id, store, type, subjectType, subjectIds, createdAt, false);
  }

  /** Checks the store id's shape without needing the registry. */
  public static boolean validStoreId(String store) {
    try {
      Store.of(store, "UTC", "USD", List.of());
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
