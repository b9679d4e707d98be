package dev.tally.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IngestHttpTest {
  @Test
  void endpointOf_acceptsTrailingSlashAndStagePrefix_andRejectsOtherPaths() {
    assertThat(IngestHttp.endpointOf("/v1/track")).contains(Endpoint.TRACK);
    assertThat(IngestHttp.endpointOf("/v1/import/")).contains(Endpoint.IMPORT);
    assertThat(IngestHttp.endpointOf("/prod/v1/batch")).contains(Endpoint.BATCH);
    assertThat(IngestHttp.endpointOf("/v1/screen")).isEmpty();
    assertThat(IngestHttp.endpointOf("/v2/track")).isEmpty();
    assertThat(IngestHttp.endpointOf("/track")).isEmpty();
    assertThat(IngestHttp.endpointOf(null)).isEmpty();
  }
}
