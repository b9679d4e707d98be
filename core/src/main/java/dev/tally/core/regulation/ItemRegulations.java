package dev.tally.core.regulation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.error.RetryableException;
import dev.tally.core.event.Json;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.ConditionFailedException;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link Regulations} on any {@link ItemStore} with key-only items (the stores table): {@code
 * REG#{id}} holds the state as JSON, and {@code REGOPEN#{id}} exists while it is unfinished (the
 * port has no scan, so the open ones are listed by a small index item {@code REGOPEN}, written with
 * a version condition so that concurrent writers never lose each other's ids).
 */
public final class ItemRegulations implements Regulations {
  private static final String PREFIX = "REG#";
  private static final ItemKey OPEN = ItemKey.of("REGOPEN", "");
  private static final String VERSION = "ver";
  private static final int MAX_ATTEMPTS = 20;
  private final ItemStore items;

  public ItemRegulations(ItemStore items) {
    this.items = items;
  }

  @Override
  public void save(RegulationState state) {
    items.putAll(
        List.of(
            Item.of(
                ItemKey.of(PREFIX + state.regulation().id(), ""),
                Map.of("state", AttrValue.str(toJson(state).toString())))));
    boolean finished =
        state.status() == RegulationState.Status.DONE
            || state.status() == RegulationState.Status.FAILED;
    // The index is shared by every writer (the admin API submitting, the runner finishing), in
    // this process or another: a versioned read-modify-write, retried when another one won.
    for (int attempt = 1; ; attempt++) {
      Optional<Item> current = items.get(OPEN);
      Set<String> open = new LinkedHashSet<>(current.map(i -> i.strs("ids")).orElse(Set.of()));
      boolean changed =
          finished ? open.remove(state.regulation().id()) : open.add(state.regulation().id());
      if (!changed) {
        return;
      }
      Long version = current.map(i -> i.numOrNull(VERSION)).orElse(null);
      Map<String, AttrValue> attrs = new HashMap<>();
      attrs.put(VERSION, AttrValue.num(version == null ? 1 : version + 1));
      if (!open.isEmpty()) {
        attrs.put("ids", AttrValue.strs(open));
      }
      try {
        items.write(
            List.of(ItemWrite.put(Item.of(OPEN, attrs), Condition.versionIs(VERSION, version))));
        return;
      } catch (ConditionFailedException e) {
        if (attempt >= MAX_ATTEMPTS) {
          throw new RetryableException(
              "regulations_busy",
              "the open-regulations index kept changing; try again",
              Duration.ofSeconds(1),
              e);
        }
      }
    }
  }

  @Override
  public Optional<RegulationState> find(String id) {
    return items.get(ItemKey.of(PREFIX + id, "")).map(i -> fromJson(i.str("state")));
  }

  @Override
  public List<RegulationState> unfinished() {
    List<RegulationState> out = new ArrayList<>();
    for (String id : openIds()) {
      find(id).ifPresent(out::add);
    }
    return out;
  }

  private Set<String> openIds() {
    return items.get(OPEN).map(i -> i.strs("ids")).orElse(Set.of());
  }

  /** The state as the admin API shows it. */
  public static ObjectNode toJson(RegulationState s) {
    Regulation r = s.regulation();
    ObjectNode o = Json.mapper().createObjectNode();
    o.put("id", r.id());
    o.put("store", r.store());
    o.put("regulationType", r.type().name());
    o.put("subjectType", r.subjectType().name());
    ArrayNode subjects = o.putArray("subjectIds");
    r.subjectIds().forEach(subjects::add);
    o.put("createdAt", r.createdAt().toString());
    o.put("subtract", r.subtract());
    o.put("status", s.status().name());
    ArrayNode steps = o.putArray("steps");
    for (RegulationState.Step st : s.steps()) {
      ObjectNode n = steps.addObject();
      n.put("name", st.name());
      n.put("status", st.status().name());
      n.put("detail", st.detail());
      n.put("updatedAt", st.updatedAt().toString());
    }
    ArrayNode ids = o.putArray("ids");
    s.ids().forEach(ids::add);
    ArrayNode days = o.putArray("days");
    s.days().forEach(d -> days.add(d.toString()));
    return o;
  }

  static RegulationState fromJson(String json) {
    JsonNode o;
    try {
      o = Json.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored regulation is not JSON: " + e.getMessage(), e);
    }
    List<String> subjects = new ArrayList<>();
    o.path("subjectIds").forEach(n -> subjects.add(n.asText()));
    Regulation r =
        new Regulation(
            o.path("id").asText(),
            o.path("store").asText(),
            RegulationType.valueOf(o.path("regulationType").asText()),
            SubjectType.valueOf(o.path("subjectType").asText()),
            subjects,
            Instant.parse(o.path("createdAt").asText()),
            o.path("subtract").asBoolean(false));
    List<RegulationState.Step> steps = new ArrayList<>();
    o.path("steps")
        .forEach(
            n ->
                steps.add(
                    new RegulationState.Step(
                        n.path("name").asText(),
                        RegulationState.Status.valueOf(n.path("status").asText()),
                        n.path("detail").asText(),
                        Instant.parse(n.path("updatedAt").asText()))));
    Set<String> ids = new LinkedHashSet<>();
    o.path("ids").forEach(n -> ids.add(n.asText()));
    Set<LocalDate> days = new LinkedHashSet<>();
    o.path("days").forEach(n -> days.add(LocalDate.parse(n.asText())));
    return new RegulationState(
        r, RegulationState.Status.valueOf(o.path("status").asText()), steps, ids, days);
  }
}
