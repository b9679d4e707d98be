package dev.tally.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.flink.internal.ManagedFlinkProperties;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command's options, its defaults from the Lambdas' variables, and its launch lines. */
class TallyFlinkJobTest {

  private static JobConfig parse(Map<String, String> env, String... args) {
    TallyFlinkJob job = new TallyFlinkJob(env);
    new CommandLine(job).parseArgs(args);
    return job.config();
  }

  @Test
  void options_override_defaultsAreTheLambdasOnes() {
    JobConfig c =
        parse(
            Map.of(),
            "--stream=events",
            "--metrics-table=m",
            "--batch-records=7",
            "--batch-wait-ms=50",
            "--checkpoint-interval-ms=2000");
    assertThat(c.stream()).isEqualTo("events");
    assertThat(c.metricsTable()).isEqualTo("m");
    assertThat(c.storesTable()).isEqualTo("tally-stores");
    assertThat(c.shards()).isEqualTo(4);
    assertThat(c.batchRecords()).isEqualTo(7);
    assertThat(c.batchWait()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.checkpointInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.kinesisEndpoint()).isNull();
  }

  @Test
  void settingsNotGiven_comeFromTallyConfig_blankMeansDefault() {
    JobConfig c =
        parse(Map.of("TALLY_STREAM_NAME", "s", "TALLY_SHARDS", "8", "TALLY_STORES_TABLE", "st"));
    assertThat(c.stream()).isEqualTo("s");
    assertThat(c.shards()).isEqualTo(8);
    assertThat(c.storesTable()).isEqualTo("st");
    assertThat(parse(Map.of("TALLY_SHARDS", " "), "--stream=e").shards()).isEqualTo(4);
  }

  @Test
  void emulatorEndpoints_comeFromTheSdksVariables_perServiceFirst() {
    JobConfig c =
        parse(
            Map.of(
                "AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
                "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"),
            "--stream=events");
    assertThat(c.kinesisEndpoint()).isEqualTo("http://127.0.0.1:4566");
    assertThat(c.sqsEndpoint()).isEqualTo("http://127.0.0.1:4566");
    assertThat(c.dynamoDbEndpoint()).isEqualTo("http://127.0.0.1:8000");
  }

  @Test
  void theFlinkRunLine_carriesTheJava17OpensAndTheJar() {
    String line =
        TallyFlinkJob.flinkRunLine(JobConfig.builder("events").deadLetterQueueUrl("q").build());
    assertThat(line)
        .contains("flink run")
        .contains("--add-opens java.base/java.util=ALL-UNNAMED")
        .contains("--add-opens java.base/java.lang=ALL-UNNAMED")
        .contains("-c dev.tally.flink.TallyFlinkJob flink/target/tally-flink-job.jar")
        .contains("--stream events")
        .contains("--dlq-url q")
        .doesNotContain("CBOR");
  }

  @Test
  void withAnEmulatedKinesis_theLineTurnsCborOff() {
    String line =
        TallyFlinkJob.flinkRunLine(
            JobConfig.builder("events").kinesisEndpoint("http://127.0.0.1:4567").build());
    assertThat(line)
        .startsWith("AWS_CBOR_DISABLE=true AWS_ENDPOINT_URL_KINESIS=http://127.0.0.1:4567 ")
        .contains("-Daws.cborEnabled=false");
  }

  @Test
  void withoutAStream_theCommandSaysWhatIsMissing() {
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(new TallyFlinkJob(Map.of()))
            .setErr(new PrintWriter(err))
            .execute("--print-flink-run");
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains("Missing --stream (or TALLY_STREAM_NAME)");
  }

  @Test
  void managedFlinkRuntimeProperties_becomeTheCommandsOptions(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("application_properties.json");
    Files.writeString(
        file,
        "[{\"PropertyGroupId\":\"Other\",\"PropertyMap\":{\"stream\":\"no\"}},"
            + "{\"PropertyGroupId\":\"TallyJob\",\"PropertyMap\":"
            + "{\"stream\":\"tally-prod-events\",\"metrics-table\":\"tally-prod-metrics\"}}]");
    String[] args = ManagedFlinkProperties.args(file).orElseThrow();
    assertThat(args)
        .containsExactly("--stream=tally-prod-events", "--metrics-table=tally-prod-metrics");
    assertThat(parse(Map.of(), args).metricsTable()).isEqualTo("tally-prod-metrics");
    assertThat(ManagedFlinkProperties.args(dir.resolve("absent.json"))).isEmpty();
  }
}
