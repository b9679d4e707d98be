package dev.tally.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The batch rebuild's command: its options, its defaults, and how it is reached. */
class TallyFlinkRebuildTest {

  private static RebuildConfig parse(Map<String, String> env, String... args) {
    TallyFlinkRebuild command = new TallyFlinkRebuild(env);
    new CommandLine(command).parseArgs(args);
    return command.config();
  }

  @Test
  void theRangeIsWidenedAsTheEmbeddedRebuildWidensIt() {
    RebuildConfig c =
        parse(
            Map.of(),
            "--store=prints",
            "--from=2025-03-10",
            "--to=2025-03-12",
            "--archive=s3://bucket/archive");
    assertThat(c.store()).isEqualTo("prints");
    assertThat(c.archive()).isEqualTo("s3://bucket/archive");
    // March, widened to whole weeks: Monday 24 February to Sunday 6 April.
    assertThat(c.range().from()).isEqualTo(LocalDate.of(2025, 2, 24));
    assertThat(c.range().to()).isEqualTo(LocalDate.of(2025, 4, 6));
  }

  @Test
  void tablesShardsAndEndpoints_defaultToTheStreamingJobsVariables() {
    RebuildConfig c =
        parse(
            Map.of(
                "TALLY_METRICS_TABLE", "m",
                "TALLY_STORES_TABLE", "st",
                "TALLY_SHARDS", "8",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
                "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:4569"),
            "--store=prints",
            "--from=2025-03-01",
            "--to=2025-03-31",
            "--archive=/data/archive");
    assertThat(c.job().metricsTable()).isEqualTo("m");
    assertThat(c.job().storesTable()).isEqualTo("st");
    assertThat(c.job().shards()).isEqualTo(8);
    assertThat(c.job().dynamoDbEndpoint()).isEqualTo("http://127.0.0.1:4566");
    assertThat(c.s3Endpoint()).isEqualTo("http://127.0.0.1:4569");
    assertThat(c.endpoints().forService("S3").endpoint())
        .hasValueSatisfying(u -> assertThat(u.toString()).isEqualTo("http://127.0.0.1:4569"));
    assertThat(
            parse(
                    Map.of("TALLY_METRICS_TABLE", "m"),
                    "--store=prints",
                    "--from=2025-03-01",
                    "--to=2025-03-31",
                    "--archive=/a",
                    "--metrics-table=staging")
                .job()
                .metricsTable())
        .isEqualTo("staging");
  }

  @Test
  void fromAfterTo_isRefusedWithTheEmbeddedRebuildsMessage() {
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(new TallyFlinkRebuild(Map.of()))
            .setErr(new PrintWriter(err))
            .execute("--store=s", "--from=2025-03-20", "--to=2025-03-10", "--archive=/a");
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains("--from 2025-03-20 is after --to 2025-03-10");
  }

  @Test
  void tallyFlinkRebuild_isTheStreamingCommandsRebuildSubcommand() {
    CommandLine cli = TallyFlinkJob.commandLine(Map.of());
    assertThat(cli.getSubcommands()).containsKey("rebuild");
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute("rebuild", "--help")).isZero();
    assertThat(out.toString()).contains("--archive").contains("--metrics-table");
  }
}
