package dev.tally.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.error.NotFoundException;
import dev.tally.core.error.ValidationException;
import dev.tally.core.event.Json;
import dev.tally.core.regulation.ItemRegulations;
import dev.tally.core.regulation.Regulation;
import dev.tally.core.regulation.RegulationJob;
import dev.tally.core.regulation.RegulationState;
import dev.tally.core.regulation.RegulationType;
import dev.tally.core.regulation.Regulations;
import dev.tally.core.regulation.SubjectType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The regulation admin API without a web framework, so the local server and the Lambda answer
 * alike: {@code POST /admin/v1/regulations} (Segment's regulation body plus the store; 202 with the
 * state and {@code regulateId}) and {@code GET /admin/v1/regulations/{id}} (the status of each
 * step), both behind the {@link AdminToken}. Every failure is answered through {@link ApiError}.
 */
public final class RegulationApi {
  /** The collection's path; a regulation is {@code PATH + "/" + id}. */
  public static final String PATH = "/admin/v1/regulations";

  private static final System.Logger LOG = System.getLogger(RegulationApi.class.getName());

  /** A status and its JSON body. */
  public record Answer(int status, ObjectNode body) {}

  private final AdminToken admin;
  private final RegulationJob job;
  private final Function<Regulation, RegulationState> submit;
  private final Regulations regulations;

  /**
   * @param submit saves and suppresses a new regulation (the job's {@code submit}, or a runner's
   *     that also schedules the deletion)
   */
  public RegulationApi(
      AdminToken admin,
      RegulationJob job,
      Function<Regulation, RegulationState> submit,
      Regulations regulations) {
    this.admin = admin;
    this.job = job;
    this.submit = submit;
    this.regulations = regulations;
  }

  /** {@code POST /admin/v1/regulations}. */
  public Answer create(String authorization, byte[] body) {
    try {
      admin.authorize(authorization);
      Regulation r = parse(body);
      RegulationState s = submit.apply(r);
      ObjectNode out = ItemRegulations.toJson(s);
      out.put("regulateId", r.id());
      return new Answer(202, out);
    } catch (RuntimeException e) {
      return error(e);
    }
  }

  /** {@code GET /admin/v1/regulations/{id}}. */
  public Answer show(String authorization, String id) {
    try {
      admin.authorize(authorization);
      RegulationState s =
          regulations
              .find(id)
              .orElseThrow(() -> new NotFoundException("no regulation '" + id + "'"));
      return new Answer(200, ItemRegulations.toJson(s));
    } catch (RuntimeException e) {
      return error(e);
    }
  }

  /**
   * Any failure as its API answer; an unexpected one (500) is logged, since its body says little.
   */
  public static Answer error(RuntimeException e) {
    ApiError err = ApiError.of(e);
    if (err.status() >= 500) {
      LOG.log(System.Logger.Level.ERROR, "regulation API: " + err.code(), e);
    }
    return new Answer(err.status(), err.toJson());
  }

  private Regulation parse(byte[] bytes) {
    JsonNode body;
    try {
      body = Json.mapper().readTree(bytes == null ? new byte[0] : bytes);
    } catch (IOException e) {
      throw new ValidationException("malformed_json", "request body is not valid JSON");
    }
    if (body == null || !body.isObject()) {
      throw new ValidationException("malformed_json", "request body must be a JSON object");
    }
    String store = body.path("store").asText(null);
    if (store == null || !Regulation.validStoreId(store)) {
      throw new ValidationException("invalid_field", "store is required (a store id)");
    }
    RegulationType type =
        parse(RegulationType.class, body.path("regulationType").asText(""), "regulationType");
    SubjectType subject =
        parse(SubjectType.class, body.path("subjectType").asText(""), "subjectType");
    JsonNode idsNode = body.get("subjectIds");
    if (idsNode == null || !idsNode.isArray()) {
      throw new ValidationException("invalid_field", "subjectIds must be an array of ids");
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode n : idsNode) {
      if (!n.isTextual()) {
        throw new ValidationException("invalid_field", "subjectIds must hold strings");
      }
      ids.add(n.asText());
    }
    try {
      return job.newRegulation(store, type, subject, ids, body.path("subtract").asBoolean(false));
    } catch (IllegalArgumentException e) {
      throw new ValidationException("invalid_field", e.getMessage());
    }
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String value, String field) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        names.add(c.name());
      }
      throw new ValidationException(
          "invalid_field", field + " must be one of " + String.join(", ", names));
    }
  }
}
