package dev.tally.core.regulation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.item.ForwardingItemStore;
import dev.tally.core.item.InMemoryItemStore;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ItemRegulationsTest {
  static RegulationState pending(String id) {
    Regulation r =
        new Regulation(
            id,
            "shop",
            RegulationType.SUPPRESS,
            SubjectType.USER_ID,
            List.of("u-" + id),
            Instant.EPOCH);
    return RegulationState.pending(r, List.of(RegulationJob.LINKS), Instant.EPOCH);
  }

  @Test
  void saveRacingAnotherWriter_losesNeitherOpenRegulation() {
    InMemoryItemStore items = InMemoryItemStore.create();
    ItemRegulations other = new ItemRegulations(items);
    // Another process saves reg_b between this one's read of the index and its write.
    ItemStore racing =
        new ForwardingItemStore(items) {
          boolean raced;

          @Override
          public void write(List<? extends ItemWrite> writes) {
            if (!raced) {
              raced = true;
              other.save(pending("reg_b"));
            }
            super.write(writes);
          }
        };
    new ItemRegulations(racing).save(pending("reg_a"));

    assertThat(other.unfinished())
        .extracting(s -> s.regulation().id())
        .containsExactlyInAnyOrder("reg_a", "reg_b");
    other.save(pending("reg_a").withStatus(RegulationState.Status.DONE));
    assertThat(other.unfinished()).extracting(s -> s.regulation().id()).containsExactly("reg_b");
  }
}
