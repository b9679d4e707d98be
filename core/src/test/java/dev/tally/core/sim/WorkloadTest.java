package dev.tally.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class WorkloadTest {
  private static final LocalDate LAST = LocalDate.of(2026, 11, 29);

  /** The anonymous ids each user id was seen with. */
  private static Map<String, Set<String>> devicesPerUser(List<ObjectNode> events) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (ObjectNode e : events) {
      if (e.hasNonNull("userId")) {
        out.computeIfAbsent(e.path("userId").asText(), u -> new TreeSet<>())
            .add(e.path("anonymousId").asText());
      }
    }
    return out;
  }

  @Test
  void oneDevicePerVisitorByDefault() {
    Map<String, Set<String>> users =
        devicesPerUser(new Workload(5, 300, 50, 30, 20_000, LAST).generate());
    assertThat(users).isNotEmpty();
    assertThat(users.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
  }

  @Test
  void signedInUsersSignInFromSeveralDevices() {
    Workload w = new Workload(5, 300, 50, 30, 20_000, LAST).withDevices(3);
    List<ObjectNode> events = w.generate();
    Map<String, Set<String>> users = devicesPerUser(events);
    assertThat(users.values().stream().filter(ids -> ids.size() > 1).count())
        .as("users linked to several anonymous ids")
        .isGreaterThan(users.size() / 2);
    assertThat(users.values()).allSatisfy(ids -> assertThat(ids).hasSizeBetween(1, 3));
    // Each anonymous id belongs to one person only.
    Map<String, String> owner = new TreeMap<>();
    users.forEach((u, ids) -> ids.forEach(a -> assertThat(owner.put(a, u)).isNull()));
    // Deterministic by seed.
    assertThat(w.generate()).isEqualTo(events);
  }
}
