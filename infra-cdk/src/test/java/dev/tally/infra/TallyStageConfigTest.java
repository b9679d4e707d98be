package dev.tally.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading context and checking build outputs, without synthesizing anything. */
class TallyStageConfigTest {

  @TempDir Path root;

  @Test
  void noContext_meansDevSqsAndNoOptionalStacks() {
    TallyStageConfig config = TallyStageConfig.fromContext(Map.<String, Object>of()::get, root);

    assertThat(config).isEqualTo(TallyStageConfig.defaults(root));
    // SQS by default: the default deploy bills nothing while no events arrive.
    assertThat(config.log()).isEqualTo(TallyStageConfig.EventLog.SQS);
    assertThat(config.isProd()).isFalse();
  }

  @Test
  void flink_withoutALog_meansKinesis_theStreamTheJobReads() {
    TallyStageConfig config =
        TallyStageConfig.fromContext(Map.<String, Object>of("flink", "true")::get, root);
    assertThat(config.log()).isEqualTo(TallyStageConfig.EventLog.KINESIS);
  }

  @Test
  void context_isCaseInsensitiveAndTrimmed() {
    TallyStageConfig config =
        TallyStageConfig.fromContext(
            Map.<String, Object>of("stage", " PROD", "log", "Sqs", "demo", "TRUE")::get, root);

    assertThat(config.stage()).isEqualTo(TallyStageConfig.Stage.PROD);
    assertThat(config.log()).isEqualTo(TallyStageConfig.EventLog.SQS);
    assertThat(config.demoStore()).isTrue();
    assertThat(config.resourceName("metrics")).isEqualTo("tally-prod-metrics");
  }

  @Test
  void unknownStage_isRejectedWithTheAllowedValues() {
    assertThatThrownBy(
            () -> TallyStageConfig.fromContext(Map.<String, Object>of("stage", "qa")::get, root))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("-c stage=qa is not valid; use -c stage=dev|prod");
  }

  @Test
  void notABoolean_isRejected() {
    assertThatThrownBy(
            () -> TallyStageConfig.fromContext(Map.<String, Object>of("archive", "yes")::get, root))
        .hasMessageContaining("-c archive=true|false");
  }

  @Test
  void theArchiveIsOnByDefault_withEitherLog_andCanBeTurnedOff() {
    assertThat(TallyStageConfig.fromContext(Map.<String, Object>of()::get, root).archive())
        .isTrue();
    assertThat(
            TallyStageConfig.fromContext(Map.<String, Object>of("log", "sqs")::get, root).archive())
        .isTrue();
    assertThat(
            TallyStageConfig.fromContext(Map.<String, Object>of("archive", "false")::get, root)
                .archive())
        .isFalse();
  }

  @Test
  void liveSearch_needsOpenSearchAndTheArchive() {
    assertThatThrownBy(
            () ->
                TallyStageConfig.fromContext(
                    Map.<String, Object>of("liveSearch", "true")::get, root))
        .hasMessageContaining("needs -c opensearch=true");
    assertThatThrownBy(
            () ->
                TallyStageConfig.fromContext(
                    Map.<String, Object>of(
                            "liveSearch", "true", "opensearch", "true", "archive", "false")
                        ::get,
                    root))
        .hasMessageContaining("archive");
    assertThat(
            TallyStageConfig.fromContext(
                    Map.<String, Object>of("liveSearch", "true", "opensearch", "true")::get, root)
                .liveSearch())
        .isTrue();
  }

  @Test
  void assetsRoot_fromContextOverridesTheDefault() {
    TallyStageConfig config =
        TallyStageConfig.fromContext(
            Map.<String, Object>of("assetsRoot", root.toString())::get, Path.of("/elsewhere"));

    assertThat(config.assetsRoot()).isEqualTo(root.toAbsolutePath().normalize());
  }

  @Test
  void missingJar_failsNamingTheFileAndTheBuildCommand() {
    TallyArtifacts artifacts = TallyArtifacts.under(root);

    assertThatThrownBy(artifacts::requireBuilt)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(root.resolve("ingest/target/tally-ingest-lambda.jar").toString())
        .hasMessageContaining("./mvnw -B -DskipTests package");
  }

  @Test
  void missingSdkFile_failsNamingIt() throws Exception {
    TestApps.placeholders(root);
    Files.delete(root.resolve("storefront-sdk/target/classes/sdk/tally.min.js"));

    assertThatThrownBy(TallyArtifacts.under(root)::requireBuilt)
        .hasMessageContaining("sdk/tally.min.js");
  }

  @Test
  void defaultAssetsRoot_isTheRepoRoot() {
    // Surefire runs in the module directory, as `cdk synth` does.
    assertThat(TallyApp.defaultAssetsRoot().resolve("infra-cdk/pom.xml")).exists();
  }
}
