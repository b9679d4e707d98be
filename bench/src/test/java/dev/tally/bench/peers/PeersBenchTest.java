package dev.tally.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeersBenchTest {
  @Test
  void anUnknownEngineIsRefusedBeforeAnyEngineRuns() {
    PeersBench.Config config =
        new PeersBench.Config(
            List.of(20_000),
            List.of("tally", "opensearh"),
            LocalDate.of(2026, 11, 29),
            0,
            1,
            1,
            true,
            "512m",
            false,
            null);
    assertThatThrownBy(
            () -> new PeersBench(config, new PrintStream(OutputStream.nullOutputStream())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("opensearh")
        .hasMessageContaining("tally, duckdb, postgres, opensearch");
  }

  @Test
  void childHeap_isEveryEnginesUnlessOneIsNamed() {
    assertThat(PeersBench.heap("1g", "tally")).isEqualTo("1g");
    assertThat(PeersBench.heap("1g,tally=512m", "tally")).isEqualTo("512m");
    assertThat(PeersBench.heap("1g,tally=512m", "duckdb")).isEqualTo("1g");
    assertThat(PeersBench.heap("tally=384m", "postgres")).isEqualTo("1g");
    assertThatThrownBy(() -> PeersBench.heap("1g,tally=lots", "tally"))
        .hasMessageContaining("'lots' is not a heap size");
  }
}
