package dev.tally.app.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.event.Json;
import dev.tally.http.AdminToken;
import dev.tally.opensearch.lambda.RegulationHandler;
import dev.tally.testkit.MutableClock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The deployed stack's regulation Lambda on the AWS engine's tables (dynalite) and S3 archive
 * (s3rver), the events counted and archived by {@code tally up} on the same tables: the HTTP entry
 * point saves and suppresses, the scheduled one deletes once the settle delay has passed, and the
 * person is gone from every table and archive object.
 */
class RegulationHandlerIT {
  static final String BODY =
      "{\"store\":\"demo\",\"regulationType\":\"SUPPRESS_WITH_DELETE\","
          + "\"subjectType\":\"USER_ID\",\"subjectIds\":[\""
          + RegulationDeletionIT.USER
          + "\"]}";
  static final String TOKEN = "adm_lambda_it";

  @RegisterExtension final AwsArchiveFixture aws = new AwsArchiveFixture();

  @Test
  void postThenSchedule_deletesThePersonFromTheTablesAndTheArchive() throws Exception {
    aws.seed();
    MutableClock clock = MutableClock.now();
    RegulationHandler lambda = new RegulationHandler(aws.env, clock, AdminToken.of(TOKEN));

    JsonNode created = call(lambda, event("POST", "/admin/v1/regulations", BODY), 202);
    String id = created.path("id").asText();
    assertThat(created.path("status").asText()).isEqualTo("RUNNING");
    assertThat(lambda.runSettled(Map.of(), null)).as("before the settle delay").isEqualTo("ran 0");

    clock.advance(RegulationHandler.SETTLE.plusSeconds(1));
    assertThat(lambda.runSettled(Map.of(), null)).isEqualTo("ran 1");

    JsonNode done = call(lambda, event("GET", "/admin/v1/regulations/" + id, null), 200);
    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("DONE");
    List<String> steps =
        StreamSupport.stream(done.path("steps").spliterator(), false)
            .filter(s -> s.path("status").asText().equals("DONE"))
            .map(s -> s.path("name").asText())
            .toList();
    assertThat(steps).contains("redact-archive", "delete-person-items", "rebuild-sketches");
    aws.assertPersonGone();
    assertThat(lambda.runSettled(Map.of(), null)).as("nothing left to run").isEqualTo("ran 0");
  }

  private static JsonNode call(RegulationHandler lambda, APIGatewayV2HTTPEvent e, int status)
      throws Exception {
    APIGatewayV2HTTPResponse r = lambda.handleRequest(e, null);
    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(status);
    return Json.mapper().readTree(r.getBody());
  }

  private static APIGatewayV2HTTPEvent event(String method, String path, String body) {
    Map<String, String> headers = new HashMap<>();
    headers.put("authorization", "Bearer " + TOKEN);
    return APIGatewayV2HTTPEvent.builder()
        .withRawPath(path)
        .withHeaders(headers)
        .withBody(body)
        .withIsBase64Encoded(false)
        .withRequestContext(
            APIGatewayV2HTTPEvent.RequestContext.builder()
                .withHttp(
                    APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).build())
                .build())
        .build();
  }
}
