package dev.tally.core.event;

import java.time.Instant;
import java.util.Objects;

/**
 * The fields every Segment-style call shares. {@code timestamp} is the skew-corrected time used for
 * day bucketing; the client's raw values are kept beside it.
 */
public record EventHeader(
    String messageId,
    String anonymousId,
    String userId,
    Instant timestamp,
    Instant originalTimestamp,
    Instant sentAt,
    Instant receivedAt,
    Props context) {

  public static final int MAX_ID_LENGTH = 100;

  public EventHeader {
    requireId("messageId", messageId, true);
    requireId("anonymousId", anonymousId, false);
    requireId("userId", userId, false);
    if (anonymousId == null && userId == null) {
      throw new IllegalArgumentException("userId or anonymousId is required");
    }
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(receivedAt, "receivedAt");
    context = context == null ? Props.empty() : context;
  }

  private static void requireId(String name, String value, boolean required) {
    if (value == null) {
      if (required) {
        throw new IllegalArgumentException(name + " is required");
      }
      return;
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    if (value.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(
          name + " is " + value.length() + " characters; at most " + MAX_ID_LENGTH + " allowed");
    }
  }

  /** The identity that is stable on one device: the anonymous id when there is one. */
  public String deviceId() {
    return anonymousId != null ? anonymousId : userId;
  }
}
