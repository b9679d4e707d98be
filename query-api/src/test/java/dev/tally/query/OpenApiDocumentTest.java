package dev.tally.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.event.Json;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {
  static JsonNode doc() throws Exception {
    try (InputStream in = QueryService.class.getResourceAsStream(QueryService.OPENAPI_RESOURCE)) {
      return Json.mapper().readTree(in);
    }
  }

  @Test
  void document_isOpenApi31_parsesWithoutErrors_andEveryRefResolves() throws Exception {
    JsonNode doc = doc();
    assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
    // Throws ApiLoadException when the parser reports errors.
    OpenApiInteractionValidator.createForInlineApiSpecification(doc.toString()).build();
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
    }
  }

  @Test
  void document_describesEveryRoute_andTheMetricAndSortChoicesTheCodeAccepts() throws Exception {
    JsonNode paths = doc().path("paths");
    assertThat(paths.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder(
            "/api/v1/store",
            "/api/v1/users/{uid}/metrics",
            "/api/v1/funnel",
            "/api/v1/timeseries",
            "/api/v1/products/top",
            "/api/v1/acquisition",
            "/api/v1/summary",
            "/api/v1/customers",
            "/api/v1/openapi.json");
    List<String> metrics = new ArrayList<>();
    for (JsonNode p : paths.at("/~1api~1v1~1timeseries/get/parameters")) {
      if (p.path("name").asText().equals("metric")) {
        p.at("/schema/enum").forEach(n -> metrics.add(n.asText()));
      }
    }
    assertThat(metrics).containsExactlyElementsOf(SeriesMetric.ids());
    List<String> dimensions = new ArrayList<>();
    for (JsonNode p : paths.at("/~1api~1v1~1acquisition/get/parameters")) {
      if (p.path("name").asText().equals("by")) {
        p.at("/schema/enum").forEach(n -> dimensions.add(n.asText()));
      }
    }
    assertThat(dimensions)
        .containsExactlyElementsOf(
            java.util.Arrays.stream(dev.tally.core.agg.Touch.Dimension.values())
                .map(dev.tally.core.agg.Touch.Dimension::key)
                .toList());
  }

  private static void collectRefs(JsonNode n, List<String> out) {
    if (n.isObject()) {
      n.fields()
          .forEachRemaining(
              e -> {
                if (e.getKey().equals("$ref")) {
                  out.add(e.getValue().asText());
                } else {
                  collectRefs(e.getValue(), out);
                }
              });
    } else if (n.isArray()) {
      n.forEach(c -> collectRefs(c, out));
    }
  }
}
