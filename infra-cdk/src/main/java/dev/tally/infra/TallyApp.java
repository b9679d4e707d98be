package dev.tally.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;

/** The CDK app: every Tally stack for one stage, checked by cdk-nag's AwsSolutions rules. */
public final class TallyApp {

  private TallyApp() {}

  /** Reads context ({@link TallyStageConfig}), checks the build outputs exist, and synthesizes. */
  public static void main(String[] args) {
    App app = new App();
    TallyStageConfig config =
        TallyStageConfig.fromContext(app.getNode()::tryGetContext, defaultAssetsRoot());
    TallyArtifacts artifacts = TallyArtifacts.under(config.assetsRoot()).requireBuilt();
    if (config.flink()) {
      artifacts.requireFlinkJob();
    }
    build(app, config, artifacts, environment());
    app.synth();
  }

  /** The stacks of one stage; the optional ones are null when their flag is off. */
  public record Stacks(
      DataStack data,
      PipelineStack pipeline,
      ApiStack api,
      RegulationStack regulations,
      HostingStack hosting,
      MonitoringStack monitoring,
      ArchiveStack archive,
      SearchStack search,
      DemoStoreStack demoStore,
      FlinkStack flink) {}

  /** Adds all stacks for {@code config} to {@code app}; tests call this with placeholder files. */
  public static Stacks build(
      App app, TallyStageConfig config, TallyArtifacts artifacts, Environment environment) {
    StackProps props = StackProps.builder().env(environment).build();
    DataStack data = new DataStack(app, config.stackName("Data"), props, config);
    SearchStack search =
        config.openSearch()
            ? new SearchStack(app, config.stackName("Search"), props, config)
            : null;
    SearchStack liveTo = config.liveSearch() ? search : null;
    // SQS: the archive comes first (the aggregator puts to it); Kinesis: it reads the stream.
    boolean sqs = config.log() == TallyStageConfig.EventLog.SQS;
    ArchiveStack archive =
        config.archive() && sqs
            ? new ArchiveStack(
                app, config.stackName("Archive"), props, config, null, data, liveTo, artifacts)
            : null;
    PipelineStack pipeline =
        new PipelineStack(
            app, config.stackName("Pipeline"), props, config, data, artifacts, archive);
    if (config.archive() && !sqs) {
      archive =
          new ArchiveStack(
              app,
              config.stackName("Archive"),
              props,
              config,
              pipeline.stream(),
              data,
              liveTo,
              artifacts);
    }
    ApiStack api =
        new ApiStack(app, config.stackName("Api"), props, config, data, pipeline, artifacts);
    RegulationStack regulations =
        new RegulationStack(
            app,
            config.stackName("Regulations"),
            props,
            config,
            data,
            api,
            archive,
            search,
            artifacts);
    HostingStack hosting =
        new HostingStack(app, config.stackName("Hosting"), props, config, api, artifacts);
    MonitoringStack monitoring =
        new MonitoringStack(
            app, config.stackName("Monitoring"), props, config, data, pipeline, api, archive);
    DemoStoreStack demoStore =
        config.demoStore()
            ? new DemoStoreStack(app, config.stackName("DemoStore"), props, config)
            : null;

    FlinkStack flink =
        config.flink()
            ? new FlinkStack(
                app, config.stackName("Flink"), props, config, data, pipeline, artifacts)
            : null;

    Tags.of(app).add("app", "tally");
    Tags.of(app).add("stage", config.stage().id());
    Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    return new Stacks(
        data, pipeline, api, regulations, hosting, monitoring, archive, search, demoStore, flink);
  }

  /**
   * The account and region the CLI resolved from the caller's profile; null ones give an
   * environment-agnostic synth.
   */
  static Environment environment() {
    return Environment.builder()
        .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
        .region(System.getenv("CDK_DEFAULT_REGION"))
        .build();
  }

  /** The repo root: the parent when run from {@code infra-cdk/} (as {@code cdk synth} does). */
  static Path defaultAssetsRoot() {
    Path cwd = Path.of("").toAbsolutePath();
    return cwd.getFileName() != null && cwd.getFileName().toString().equals("infra-cdk")
        ? cwd.getParent()
        : cwd;
  }
}
