package dev.tally.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.error.NotFoundException;
import dev.tally.core.error.RetryableException;
import dev.tally.core.error.ValidationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ApiErrorTest {

  @Test
  void eachFailureKind_hasItsStatus() {
    assertThat(ApiError.of(new ValidationException("bad_field", "x")).status()).isEqualTo(400);
    assertThat(ApiError.of(new NotFoundException("no store")).status()).isEqualTo(404);
    assertThat(
            ApiError.of(new RetryableException("log_unavailable", "down", Duration.ofSeconds(2)))
                .retryAfterSeconds())
        .isEqualTo(2);
    assertThat(ApiError.of(new RetryableException("x", "y", Duration.ofSeconds(2))).status())
        .isEqualTo(503);
  }

  @Test
  void unknownFailure_isA500ThatLeaksNothing() {
    ApiError e = ApiError.of(new IllegalStateException("secret detail"));
    assertThat(e.status()).isEqualTo(500);
    assertThat(e.toJson().toString()).doesNotContain("secret");
  }
}
