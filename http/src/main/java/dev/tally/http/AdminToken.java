package dev.tally.http;

import dev.tally.core.error.AuthException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The admin API's bearer token ({@code Authorization: Bearer <token>}), compared in constant time.
 * The token is read once, on first use (a Lambda reads its secret after SnapStart's restore, not
 * into the snapshot).
 */
public final class AdminToken {
  private final Supplier<String> read;
  private volatile byte[] token;

  private AdminToken(Supplier<String> read) {
    this.read = read;
  }

  /** A token known up front. */
  public static AdminToken of(String token) {
    Objects.requireNonNull(token, "token");
    return new AdminToken(() -> token);
  }

  /** A token read by {@code read} on first use (e.g. from AWS Secrets Manager), then kept. */
  public static AdminToken readOnce(Supplier<String> read) {
    return new AdminToken(Objects.requireNonNull(read, "read"));
  }

  /**
   * Checks an {@code Authorization} header.
   *
   * @throws AuthException when it is missing, not a bearer token, or not this token (401)
   */
  public void authorize(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw AuthException.missing("Authorization: Bearer <admin token>");
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, token())) {
      throw AuthException.unknown("this admin token");
    }
  }

  private byte[] token() {
    byte[] t = token;
    if (t == null) {
      synchronized (this) {
        t = token;
        if (t == null) {
          String value = read.get();
          if (value == null || value.isBlank()) {
            throw new IllegalStateException("the admin token is empty");
          }
          t = value.trim().getBytes(StandardCharsets.UTF_8);
          token = t;
        }
      }
    }
    return t;
  }
}
