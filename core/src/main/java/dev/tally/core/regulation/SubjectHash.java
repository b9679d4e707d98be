package dev.tally.core.regulation;

import dev.tally.core.store.ApiKeys;

/**
 * How a person's id is kept once it must not be kept: the SHA-256 (hex) of {@code store + ":" +
 * id}. Store ids never contain {@code ':'}, so two stores' hashes of one id differ and no pair
 * collides by concatenation.
 */
public final class SubjectHash {
  private SubjectHash() {}

  public static String of(String store, String id) {
    return ApiKeys.hash(store + ":" + id);
  }
}
