package dev.tally.ingest;

import java.util.Objects;

/**
 * A tracking call as the transport received it. Transport-neutral, so the local server and the
 * Lambda adapter share every line after this point.
 *
 * @param authorization the raw {@code Authorization} header, or null
 * @param origin the browser's {@code Origin} header, or null
 */
public record IngestRequest(
    Endpoint endpoint,
    byte[] body,
    String contentType,
    String contentEncoding,
    String authorization,
    String origin) {
  public IngestRequest {
    Objects.requireNonNull(endpoint, "endpoint");
    body = body == null ? new byte[0] : body;
  }
}
