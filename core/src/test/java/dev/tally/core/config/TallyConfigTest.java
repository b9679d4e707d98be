package dev.tally.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TallyConfigTest {

  @Test
  void emptyEnvironment_givesTheDocumentedDefaults() {
    TallyConfig c = TallyConfig.fromEnv(Map.of());
    assertThat(c.shards()).isEqualTo(4);
    assertThat(c.metricsTable()).isEqualTo("tally-metrics");
    assertThat(c.log()).isEqualTo(TallyConfig.LogKind.SQS);
    assertThat(c.dedupTtl()).isEqualTo(Duration.ofHours(24));
    assertThat(c.maxEventAge()).isEqualTo(Duration.ofDays(30));
    assertThat(c.queueUrl()).isEmpty();
    assertThat(c.indexPrefix()).isEqualTo("tally");
  }

  @Test
  void blankValue_countsAsUnset() {
    TallyConfig c = TallyConfig.fromEnv(Map.of("TALLY_SHARDS", " ", "TALLY_QUEUE_URL", ""));
    assertThat(c.shards()).isEqualTo(4);
    assertThat(c.queueUrl()).isEmpty();
  }

  @Test
  void values_areTrimmedAndParsed() {
    TallyConfig c =
        TallyConfig.fromEnv(
            Map.of("TALLY_SHARDS", " 8 ", "TALLY_LOG", "Kinesis", "TALLY_DEDUP_TTL_HOURS", "2"));
    assertThat(c.shards()).isEqualTo(8);
    assertThat(c.log()).isEqualTo(TallyConfig.LogKind.KINESIS);
    assertThat(c.dedupTtl()).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void badValue_isRefusedWithItsName() {
    assertThatThrownBy(() -> TallyConfig.fromEnv(Map.of("TALLY_SHARDS", "four")))
        .hasMessageContaining("TALLY_SHARDS");
    assertThatThrownBy(() -> TallyConfig.fromEnv(Map.of("TALLY_SHARDS", "0")))
        .hasMessageContaining("TALLY_SHARDS");
    assertThatThrownBy(() -> TallyConfig.fromEnv(Map.of("TALLY_LOG", "kafka")))
        .hasMessageContaining("TALLY_LOG");
  }

  @Test
  void required_namesTheMissingSetting() {
    assertThatThrownBy(() -> TallyConfig.required(TallyConfig.defaults().dlqUrl(), "TALLY_DLQ_URL"))
        .hasMessage("TALLY_DLQ_URL must be set");
  }
}
