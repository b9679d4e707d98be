package dev.tally.app.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import java.net.URI;
import java.net.http.HttpResponse;

/**
 * Validates real requests and responses against the served OpenAPI document.
 *
 * <p>swagger-request-validator 2.44.1 validates OpenAPI 3.0 only: given the 3.1 document it accepts
 * every body unchecked. So the test validates a 3.0.3 view made by two mechanical rewrites that
 * keep the meaning: the version line, and {@code "type": [T, "null"]} (3.1) to {@code "type": T,
 * "nullable": true} (3.0). The document uses no other 3.1-only feature.
 */
final class OpenApiContract {
  private final OpenApiInteractionValidator validator;

  OpenApiContract(String served31) {
    assertThat(served31).contains("\"openapi\":\"3.1.0\"");
    String as30 =
        served31
            .replace("\"openapi\":\"3.1.0\"", "\"openapi\":\"3.0.3\"")
            .replaceAll("\"type\":\\[\"(\\w+)\",\"null\"\\]", "\"type\":\"$1\",\"nullable\":true");
    assertThat(as30).doesNotContain("\"null\"");
    validator = OpenApiInteractionValidator.createForInlineApiSpecification(as30).build();
  }

  /**
   * Fails with the validator's messages unless the response matches the document for this path.
   * Only the response is checked: some requests here are deliberately invalid (to get a 400).
   */
  void check(String pathAndQuery, HttpResponse<String> r) {
    SimpleResponse.Builder res = SimpleResponse.Builder.status(r.statusCode()).withBody(r.body());
    r.headers().map().forEach((k, v) -> v.forEach(value -> res.withHeader(k, value)));
    ValidationReport report =
        validator.validateResponse(
            URI.create(pathAndQuery).getRawPath(), Request.Method.GET, res.build());
    assertThat(report.getMessages())
        .as(pathAndQuery + " → " + r.statusCode() + " " + r.body())
        .isEmpty();
  }
}
