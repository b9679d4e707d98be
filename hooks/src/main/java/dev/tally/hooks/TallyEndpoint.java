package dev.tally.hooks;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how {@link HttpEventSender} talks to Tally.
 *
 * @param baseUri Tally's API root; events go to {@code baseUri + /v1/batch}
 * @param writeKey the source's write key, sent as the Basic auth user with an empty password
 * @param requestTimeout per-request timeout; default 10 s
 */
public record TallyEndpoint(URI baseUri, String writeKey, Duration requestTimeout) {
  /** Default per-request timeout. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public TallyEndpoint {
    Objects.requireNonNull(baseUri, "baseUri cannot be null");
    String scheme = baseUri.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException("baseUri must be http(s), was " + baseUri);
    }
    writeKey = Checks.notBlank(writeKey, "writeKey");
    Objects.requireNonNull(requestTimeout, "requestTimeout cannot be null");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive");
    }
  }

  /** An endpoint with the default timeout. */
  public static TallyEndpoint of(URI baseUri, String writeKey) {
    return new TallyEndpoint(baseUri, writeKey, DEFAULT_TIMEOUT);
  }

  /** The batch URI, {@code baseUri/v1/batch}. */
  public URI batchUri() {
    String base = baseUri.toString().replaceAll("/+$", "");
    return URI.create(base + "/v1/batch");
  }
}
