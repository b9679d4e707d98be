package dev.tally.core.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * API key generation and hashing (write and read keys). Keys are random, so an unsalted SHA-256 is
 * a safe lookup key.
 */
public final class ApiKeys {
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  /** A new random key such as {@code wk_3f9a…} (160 bits of entropy). */
  public static String generate(KeyKind kind) {
    byte[] bytes = new byte[20];
    RANDOM.nextBytes(bytes);
    return (kind == KeyKind.WRITE ? "wk_" : "rk_") + HexFormat.of().formatHex(bytes);
  }

  public static String hash(String key) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(d.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Constant-time comparison of two hashes. */
  public static boolean sameHash(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }
}
