package dev.tally.core.regulation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.item.InMemoryItemStore;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegulationJobTest {
  final Clock clock = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);
  final InMemoryItemStore stores = new InMemoryItemStore(clock);
  final ItemRegulations regulations = new ItemRegulations(stores);
  final RegulationJob job =
      RegulationSteps.job(
          new RegulationSteps.Sources(
              new ItemStoreRegistry(stores),
              regulations,
              new ItemSuppressionList(stores, clock),
              new InMemoryItemStore(clock),
              new InMemoryItemStore(clock),
              4,
              null,
              List.of(),
              List.of(),
              clock));

  @Test
  void resumeCreatedBefore_runsOnlySettledOnes_andOneThatCannotRunHoldsUpNoOther() {
    new ItemStoreRegistry(stores).create(Store.of("shop", "UTC", "USD", List.of()), "wk_a", "rk_a");
    Regulation orphan =
        new Regulation(
            "reg_orphan",
            "gone",
            RegulationType.DELETE_ONLY,
            SubjectType.USER_ID,
            List.of("u0"),
            clock.instant().minus(Duration.ofHours(1)));
    regulations.save(RegulationState.pending(orphan, job.stepNames(orphan), clock.instant()));
    Regulation r =
        job.submit(
                job.newRegulation(
                    "shop",
                    RegulationType.SUPPRESS_WITH_DELETE,
                    SubjectType.USER_ID,
                    List.of("u1")))
            .regulation();

    assertThat(job.resumeCreatedBefore(clock.instant())).as("r is not settled yet").isEqualTo(1);
    assertThat(regulations.find(r.id()).orElseThrow().status())
        .isEqualTo(RegulationState.Status.RUNNING);

    assertThat(job.resumeCreatedBefore(clock.instant().plusSeconds(1))).isEqualTo(2);
    assertThat(regulations.find(r.id()).orElseThrow().status())
        .isEqualTo(RegulationState.Status.DONE);
    assertThat(regulations.unfinished())
        .extracting(s -> s.regulation().id())
        .containsExactly("reg_orphan");
  }
}
