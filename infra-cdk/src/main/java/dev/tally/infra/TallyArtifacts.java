package dev.tally.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the build puts the Lambda jars and static files that the stacks deploy.
 *
 * @param searchJar the opensearch module's Lambda jar: the live search sink and the two regulation
 *     functions (admin routes, scheduled runner) are handlers in it
 */
public record TallyArtifacts(
    Path ingestJar,
    Path aggregatorJar,
    Path queryJar,
    Path searchJar,
    Path dashboardsDir,
    Path sdkDir,
    Path flinkJobJar) {

  static final String BUILD_COMMAND = "./mvnw -B -DskipTests package";

  /** The layout that {@value #BUILD_COMMAND} produces under the repo root. */
  public static TallyArtifacts under(Path root) {
    return new TallyArtifacts(
        root.resolve("ingest/target/tally-ingest-lambda.jar"),
        root.resolve("aggregator/target/tally-aggregator-lambda.jar"),
        root.resolve("query-api/target/tally-query-api-lambda.jar"),
        root.resolve("opensearch/target/tally-opensearch-lambda.jar"),
        root.resolve("dashboards/target/classes/dashboards"),
        root.resolve("storefront-sdk/target/classes/sdk"),
        root.resolve("flink/target/tally-flink-job.jar"));
  }

  /**
   * Fails fast, before any stack is built, if something is missing.
   *
   * @throws IllegalStateException naming the first missing path and the command that builds it
   */
  public TallyArtifacts requireBuilt() {
    for (Path file :
        List.of(ingestJar, aggregatorJar, queryJar, searchJar, sdkDir.resolve("tally.min.js"))) {
      if (!Files.isRegularFile(file)) {
        throw missing(file);
      }
    }
    if (!Files.isDirectory(dashboardsDir)) {
      throw missing(dashboardsDir);
    }
    return this;
  }

  /**
   * With {@code -c flink=true}: fails fast if the Flink job jar is missing.
   *
   * @throws IllegalStateException naming the jar and the command that builds it
   */
  public TallyArtifacts requireFlinkJob() {
    if (!Files.isRegularFile(flinkJobJar)) {
      throw missing(flinkJobJar);
    }
    return this;
  }

  private static IllegalStateException missing(Path path) {
    return new IllegalStateException(
        "Missing "
            + path
            + ". Build the Lambda jars and static files from the repo root with `"
            + BUILD_COMMAND
            + "`, or point -c assetsRoot=DIR at a tree that has them.");
  }
}
