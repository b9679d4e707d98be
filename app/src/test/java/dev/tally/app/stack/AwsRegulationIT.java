package dev.tally.app.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.event.Json;
import dev.tally.core.item.Item;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A person deleted on the AWS engine (DynamoDB on dynalite, SQS on ElasticMQ) with the archive in
 * S3 (s3rver, {@code TALLY_ARCHIVE_URL}): afterwards no item of any table and no archive object
 * holds their ids or message ids, the device sketches are rebuilt without them from the cleaned
 * archive, store aggregates are unchanged, and a second run changes nothing.
 */
class AwsRegulationIT {
  @RegisterExtension final AwsArchiveFixture aws = new AwsArchiveFixture();
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void deletedPerson_isGoneFromDynamoDbAndTheS3Archive_andSketchesAreRebuiltWithoutThem()
      throws Exception {
    aws.seed();
    Map<String, Item> aggregatesBefore = aws.storeAggregates();

    JsonNode done = regulateAndWait();
    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("DONE");
    assertThat(done.toString())
        .contains("redact-archive")
        .contains("rebuild-sketches")
        .contains("delete-person-items");

    aws.assertPersonGone();
    assertThat(aws.storeAggregates()).isEqualTo(aggregatesBefore);

    // A second run finds nothing to do and changes nothing.
    Map<String, Item> before = aws.metrics();
    String archive = aws.archiveContents();
    assertThat(regulateAndWait().path("status").asText()).isEqualTo("DONE");
    assertThat(aws.metrics()).isEqualTo(before);
    assertThat(aws.archiveContents()).isEqualTo(archive);
  }

  private JsonNode regulateAndWait() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(aws.stack.baseUri().resolve("/admin/v1/regulations"))
                .header("Authorization", "Bearer test-admin-token")
                .POST(HttpRequest.BodyPublishers.ofString(RegulationHandlerIT.BODY))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return RegulationOpenSearchIT.awaitDone(
        http, aws.stack, Json.mapper().readTree(r.body()).path("id").asText());
  }
}
