package dev.tally.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnswersTest {
  @Test
  void aChangedFigure_isReportedAsAMismatch() {
    var a = Answers.object().put("revenue", 100).put("visitors", 1000);
    var b = Answers.object().put("revenue", 101).put("visitors", 1015);
    assertThat(Answers.differences(a, b, true)).containsExactly("/revenue: 100 vs 101");
    assertThat(Answers.differences(a, b, false)).hasSize(2);
    var c = Answers.object().put("revenue", 100).put("visitors", 1030);
    assertThat(Answers.differences(a, c, true)).hasSize(1);
  }
}
