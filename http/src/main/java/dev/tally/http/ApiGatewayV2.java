package dev.tally.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/** What every Lambda adapter reads from an API Gateway HTTP API (payload v2) event. */
public final class ApiGatewayV2 {
  private ApiGatewayV2() {}

  /** The request method in upper case, or {@code otherwise} when the event has none. */
  public static String method(APIGatewayV2HTTPEvent event, String otherwise) {
    var rc = event.getRequestContext();
    String m = rc == null || rc.getHttp() == null ? null : rc.getHttp().getMethod();
    return m == null ? otherwise : m.toUpperCase(Locale.ROOT);
  }

  /**
   * The body's bytes; binary and compressed bodies (gzip) arrive base64-encoded.
   *
   * @throws IllegalArgumentException when a base64 body is not valid base64
   */
  public static byte[] body(APIGatewayV2HTTPEvent event) {
    String b = event.getBody();
    if (b == null) {
      return new byte[0];
    }
    return event.getIsBase64Encoded()
        ? Base64.getDecoder().decode(b)
        : b.getBytes(StandardCharsets.UTF_8);
  }

  /** A header of the event, or null. */
  public static String header(APIGatewayV2HTTPEvent event, String lowerName) {
    return header(event.getHeaders() == null ? Map.of() : event.getHeaders(), lowerName);
  }

  /** HTTP API v2 lower-cases header names; a test or proxy may not, so match either way. */
  public static String header(Map<String, String> headers, String lowerName) {
    String v = headers.get(lowerName);
    if (v != null) {
      return v;
    }
    for (var e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(lowerName)) {
        return e.getValue();
      }
    }
    return null;
  }
}
