package dev.tally.hooks;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/** Sends order events to Tally's Segment-compatible {@code POST /v1/batch} over HTTP. */
public final class HttpEventSender implements EventSender {
  private static final int MAX_ERROR_BODY = 300;

  private final HttpClient http;
  private final TallyEndpoint endpoint;
  private final Clock clock;
  private final String authorization;

  /** A sender with its own HTTP client and the system clock. */
  public static HttpEventSender create(TallyEndpoint endpoint) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(endpoint.requestTimeout()).build();
    return new HttpEventSender(client, endpoint, Clock.systemUTC());
  }

  public HttpEventSender(HttpClient http, TallyEndpoint endpoint, Clock clock) {
    this.http = Objects.requireNonNull(http, "http");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.clock = Objects.requireNonNull(clock, "clock");
    String credentials = endpoint.writeKey() + ":";
    this.authorization =
        "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void send(List<OrderEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    HttpRequest request =
        HttpRequest.newBuilder(endpoint.batchUri())
            .timeout(endpoint.requestTimeout())
            .header("Content-Type", "application/json")
            .header("Authorization", authorization)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    OrderEventJson.toBatchBody(events, clock.instant())))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RetryableSendException("Tally unreachable: " + e, null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // let the owner of this thread see it is being stopped
      throw new RetryableSendException("interrupted while sending to Tally", null, e);
    }
    classify(response);
  }

  private void classify(HttpResponse<String> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return;
    }
    String detail = "Tally answered HTTP " + status + ": " + abbreviate(response.body());
    if (status == 429 || status == 503) {
      Duration after =
          response.headers().firstValue("Retry-After").map(this::retryAfter).orElse(null);
      throw new RetryableSendException(detail, after, null);
    }
    if (status >= 400 && status < 500) {
      throw new PermanentSendException(detail, status);
    }
    throw new RetryableSendException(detail, null, null);
  }

  /** Retry-After is either delta-seconds or an HTTP date (RFC 9110 section 10.2.3). */
  private Duration retryAfter(String value) {
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(clock.instant(), at.toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException garbage) {
        return null;
      }
    }
  }

  private static String abbreviate(String body) {
    if (body == null) {
      return "";
    }
    return body.length() <= MAX_ERROR_BODY ? body : body.substring(0, MAX_ERROR_BODY) + "...";
  }
}
