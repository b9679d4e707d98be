package dev.tally.opensearch.regulation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Json;
import dev.tally.core.regulation.DeletionStep;
import dev.tally.core.regulation.RegulationState;
import dev.tally.core.store.Store;
import dev.tally.opensearch.index.IndexNames;
import dev.tally.opensearch.index.OpenSearch;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.opensearch.client.opensearch.generic.Body;

/**
 * Deletes people's documents from OpenSearch: documents of the store whose {@code userId}, {@code
 * anonymousId}, {@code deviceId} or {@code previousId} is one of the ids are searched (this build
 * has no {@code _delete_by_query}) and bulk-deleted by {@code _id}, until none is left. Deleted
 * documents stay in their Lucene segments until a merge; see docs/privacy.md.
 */
public final class OpenSearchDeleteStep implements DeletionStep {
  private static final int PAGE = 1_000;
  private final OpenSearch os;
  private final IndexNames names;

  public OpenSearchDeleteStep(OpenSearch os, IndexNames names) {
    this.os = os;
    this.names = names;
  }

  @Override
  public String name() {
    return "delete-opensearch-documents";
  }

  @Override
  public Outcome run(RegulationState state, Store store) {
    return new Outcome(
        state, delete(store.id(), state.ids()) + " document(s) deleted from OpenSearch");
  }

  /** Deletes the documents of {@code store} naming any of {@code people}; returns how many. */
  public long delete(String store, Collection<String> people) {
    String pattern = names.prefix() + "-events-*";
    if (os.indices(pattern).isEmpty() || people.isEmpty()) {
      return 0;
    }
    long total = 0;
    while (true) {
      ObjectNode q = Json.mapper().createObjectNode();
      q.put("size", PAGE);
      q.put("_source", false);
      ObjectNode bool = q.putObject("query").putObject("bool");
      bool.putArray("filter").addObject().putObject("term").put("store", store);
      ArrayNode should = bool.putArray("should");
      for (String field : List.of("userId", "anonymousId", "deviceId", "previousId")) {
        ArrayNode values = should.addObject().putObject("terms").putArray(field);
        people.forEach(values::add);
      }
      bool.put("minimum_should_match", 1);
      os.refresh(pattern);
      JsonNode hits = os.search(pattern, q).path("hits").path("hits");
      if (hits.isEmpty()) {
        return total;
      }
      StringBuilder bulk = new StringBuilder();
      for (JsonNode h : hits) {
        ObjectNode action = Json.mapper().createObjectNode();
        action
            .putObject("delete")
            .put("_index", h.path("_index").asText())
            .put("_id", h.path("_id").asText());
        bulk.append(action).append('\n');
      }
      OpenSearch.Reply r =
          os.call(
              "POST",
              "/_bulk",
              Map.of("refresh", "true"),
              Body.from(bulk.toString().getBytes(StandardCharsets.UTF_8), "application/x-ndjson"));
      if (!r.ok() || r.body().path("errors").asBoolean(false)) {
        for (JsonNode item : r.body().path("items")) {
          int status = item.path("delete").path("status").asInt(200);
          if (status != 404 && status >= 300) {
            throw os.failure("bulk delete", new OpenSearch.Reply(status, item));
          }
        }
      }
      total += hits.size();
    }
  }
}
