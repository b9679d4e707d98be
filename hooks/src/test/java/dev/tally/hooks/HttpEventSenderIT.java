package dev.tally.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.testkit.hooks.TallyIngestStub;
import dev.tally.testkit.hooks.TallyIngestStub.Answer;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpEventSenderIT {
  TallyIngestStub ingest;
  HttpEventSender sender;

  @BeforeEach
  void start() throws Exception {
    ingest = new TallyIngestStub();
    Clock clock = Clock.fixed(OrderEventTest.AT, ZoneOffset.UTC);
    sender =
        new HttpEventSender(
            HttpClient.newHttpClient(), TallyEndpoint.of(ingest.baseUri(), "wk_live"), clock);
  }

  @AfterEach
  void stop() {
    ingest.close();
  }

  @Test
  void accepted_sendsBasicAuthWithWriteKeyAsUser() {
    sender.send(List.of(OrderEventTest.completed("o1", "12.50")));
    assertThat(ingest.authorizations())
        .containsExactly("Basic " + Base64.getEncoder().encodeToString("wk_live:".getBytes()));
    assertThat(ingest.uniqueEvents()).containsKey("order-o1-completed");
  }

  @Test
  void tooManyRequests_isRetryable_withRetryAfter() {
    ingest.script(new Answer(429, "7"));
    assertThatThrownBy(() -> sender.send(List.of(OrderEventTest.completed("o1", "1.00"))))
        .isInstanceOfSatisfying(
            RetryableSendException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(7)));
  }

  @Test
  void serviceUnavailable_withHttpDate_isRetryableUntilThatDate() {
    ingest.script(new Answer(503, "Sat, 01 Mar 2025 10:16:00 GMT"));
    assertThatThrownBy(() -> sender.send(List.of(OrderEventTest.completed("o1", "1.00"))))
        .isInstanceOfSatisfying(
            RetryableSendException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofMillis(29_880)));
  }

  @Test
  void badRequest_isPermanent_andCarriesStatus() {
    ingest.script(new Answer(400, null));
    assertThatThrownBy(() -> sender.send(List.of(OrderEventTest.completed("o1", "1.00"))))
        .isInstanceOfSatisfying(
            PermanentSendException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("HTTP 400");
  }

  @Test
  void serverError_isRetryable_withoutRetryAfter() {
    ingest.script(new Answer(500, null));
    assertThatThrownBy(() -> sender.send(List.of(OrderEventTest.completed("o1", "1.00"))))
        .isInstanceOfSatisfying(
            RetryableSendException.class, e -> assertThat(e.retryAfter()).isEmpty());
  }

  @Test
  void unreachableTally_isRetryable() {
    int port = ingest.baseUri().getPort();
    ingest.close();
    HttpEventSender dead =
        HttpEventSender.create(
            new TallyEndpoint(URI.create("http://127.0.0.1:" + port), "k", Duration.ofSeconds(2)));
    assertThatThrownBy(() -> dead.send(List.of(OrderEventTest.completed("o1", "1.00"))))
        .isInstanceOf(RetryableSendException.class);
  }
}
