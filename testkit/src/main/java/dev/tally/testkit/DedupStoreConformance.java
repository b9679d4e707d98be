package dev.tally.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.port.DedupStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link DedupStore} contract. Every implementation's test class extends this and gives a fresh
 * store per test that remembers ids for {@link #TTL} by the given clock.
 */
public abstract class DedupStoreConformance {
  /** How long the stores under test remember an id. */
  protected static final Duration TTL = Duration.ofHours(24);

  protected MutableClock clock;
  protected DedupStore dedup;

  /** A new, empty dedup store remembering ids for {@link #TTL}, reading time from {@code clock}. */
  protected abstract DedupStore newDedupStore(MutableClock clock, Duration ttl);

  @BeforeEach
  void freshStore() {
    clock = MutableClock.now();
    dedup = newDedupStore(clock, TTL);
  }

  @Test
  void nothingRemembered_nothingSeen() {
    assertThat(dedup.seen("shop-1", List.of("m1", "m2"))).isEmpty();
    assertThat(dedup.seen("shop-1", List.of())).isEmpty();
  }

  @Test
  void remembered_areSeen_andOnlyThose() {
    dedup.remember("shop-1", List.of("m1", "m2"));
    assertThat(dedup.seen("shop-1", List.of("m1", "m2", "m3")))
        .containsExactlyInAnyOrder("m1", "m2");
  }

  @Test
  void duplicateIdsInOneCall_areFine() {
    dedup.remember("shop-1", List.of("m1", "m1", "m2"));
    assertThat(dedup.seen("shop-1", List.of("m1", "m1", "m3"))).containsExactly("m1");
    dedup.remember("shop-1", List.of());
  }

  @Test
  void stores_areIsolated() {
    dedup.remember("shop-1", List.of("m1"));
    assertThat(dedup.seen("shop-2", List.of("m1"))).isEmpty();
    assertThat(dedup.seen("shop-1", List.of("m1"))).containsExactly("m1");
  }

  @Test
  void idsWithSeparators_doNotCollide() {
    dedup.remember("shop", List.of("a#b", "x|y: z"));
    assertThat(dedup.seen("shop", List.of("a#b", "a", "b", "x|y: z")))
        .containsExactlyInAnyOrder("a#b", "x|y: z");
    assertThat(dedup.seen("shop-a", List.of("b"))).isEmpty();
  }

  @Test
  void ids_areForgottenAfterTheTtl() {
    dedup.remember("shop-1", List.of("m1"));
    clock.advance(TTL.minusSeconds(5));
    assertThat(dedup.seen("shop-1", List.of("m1"))).containsExactly("m1");
    clock.advance(Duration.ofSeconds(10));
    assertThat(dedup.seen("shop-1", List.of("m1"))).isEmpty();
  }

  @Test
  void rememberingAgain_restartsTheTtl() {
    dedup.remember("shop-1", List.of("m1"));
    clock.advance(TTL.minusMinutes(1));
    dedup.remember("shop-1", List.of("m1"));
    clock.advance(Duration.ofMinutes(30));
    assertThat(dedup.seen("shop-1", List.of("m1"))).containsExactly("m1");
  }

  @Test
  void manyIds_inOneCall() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 260; i++) {
      ids.add("msg-" + i);
    }
    dedup.remember("shop-1", ids.subList(0, 130));
    Set<String> seen = dedup.seen("shop-1", ids);
    assertThat(seen).hasSize(130).containsAll(ids.subList(0, 130));
  }

  private static dev.tally.core.event.Event event(String id, String anon, String user, Instant at) {
    return new dev.tally.core.event.PageEvent(
        new dev.tally.core.event.EventHeader(
            id, anon, user, at, null, null, at, dev.tally.core.event.Props.empty()),
        null,
        dev.tally.core.event.Props.empty());
  }

  @Test
  void pinnedIds_keepTheirFirstIdentity_untilRemembered() {
    Instant at = Instant.parse("2026-11-29T23:59:30Z");
    dedup.pin("shop-1", List.of(event("m1", "anon-1", null, at), event("m2", null, "u2", at)));
    assertThat(dedup.seen("shop-1", List.of("m1", "m2"))).isEmpty();
    assertThat(dedup.pinned("shop-1", List.of("m1", "m2", "m3")))
        .containsEntry("m1", new DedupStore.Pin("anon-1", null, at))
        .containsEntry("m2", new DedupStore.Pin(null, "u2", at))
        .hasSize(2);
    assertThat(dedup.pinned("shop-2", List.of("m1"))).isEmpty();

    dedup.remember("shop-1", List.of("m1"));
    assertThat(dedup.seen("shop-1", List.of("m1", "m2"))).containsExactly("m1");
    assertThat(dedup.pinned("shop-1", List.of("m1", "m2"))).containsOnlyKeys("m2");
  }

  @Test
  void pins_expireWithTheTtl() {
    dedup.pin("shop-1", List.of(event("m1", "a", null, clock.instant())));
    clock.advance(TTL.plusSeconds(1));
    assertThat(dedup.pinned("shop-1", List.of("m1"))).isEmpty();
  }
}
