package dev.tally.infra;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import software.amazon.awscdk.RemovalPolicy;

/**
 * Immutable settings for one deployment of Tally, read from CDK context in {@link TallyApp#main}.
 *
 * <p>Context keys and defaults: {@code stage=dev|prod} (dev), {@code log=sqs|kinesis} (sqs, which
 * costs nothing at idle; kinesis when {@code flink=true}, which reads the stream), {@code
 * assetsRoot} (the repo root), {@code opensearch} (false), {@code archive} (true), {@code
 * liveSearch} (false; needs opensearch and archive), {@code demo} (false), {@code corsOrigins}
 * (comma-separated, {@code *}).
 */
public record TallyStageConfig(
    Stage stage,
    EventLog log,
    Path assetsRoot,
    boolean openSearch,
    boolean archive,
    boolean liveSearch,
    boolean demoStore,
    boolean flink,
    List<String> corsOrigins) {

  /** Deployment stage; prod protects data from deletion. */
  public enum Stage {
    DEV,
    PROD;

    /** Lower-case id used in stack and resource names. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Which durable log carries events from ingest to the aggregator. */
  public enum EventLog {
    KINESIS,
    SQS;

    /** The value of the Lambdas' {@code TALLY_LOG} variable. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public TallyStageConfig {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(assetsRoot, "assetsRoot");
    corsOrigins = List.copyOf(corsOrigins);
    if (corsOrigins.isEmpty()) {
      throw new IllegalArgumentException("corsOrigins must name at least one origin, or *");
    }
    if (liveSearch && !(openSearch && archive)) {
      // The live sink indexes what Firehose writes to the archive into the OpenSearch domain.
      throw new IllegalArgumentException(
          "-c liveSearch=true needs -c opensearch=true and the archive (-c archive=true, the"
              + " default)");
    }
    if (flink && log == EventLog.SQS) {
      throw new IllegalArgumentException(
          "-c flink=true needs -c log=kinesis: the Flink job reads the Kinesis stream");
    }
  }

  /** Dev defaults: SQS (nothing billed at idle), the raw-event archive, no other optional stack. */
  public static TallyStageConfig defaults(Path assetsRoot) {
    return new TallyStageConfig(
        Stage.DEV, EventLog.SQS, assetsRoot, false, true, false, false, false, List.of("*"));
  }

  /**
   * Reads the context keys listed on this type.
   *
   * @param context looks up one context key, returning null when it is unset
   * @param defaultAssetsRoot used when {@code assetsRoot} is unset
   * @throws IllegalArgumentException naming the key and the values it accepts
   */
  public static TallyStageConfig fromContext(
      Function<String, Object> context, Path defaultAssetsRoot) {
    String root = string(context, "assetsRoot", null);
    String origins = string(context, "corsOrigins", "*");
    boolean flink = flag(context, "flink", false);
    return new TallyStageConfig(
        choice(context, "stage", Stage.class, Stage.DEV),
        choice(context, "log", EventLog.class, flink ? EventLog.KINESIS : EventLog.SQS),
        root == null ? defaultAssetsRoot : Path.of(root).toAbsolutePath().normalize(),
        flag(context, "opensearch", false),
        flag(context, "archive", true),
        flag(context, "liveSearch", false),
        flag(context, "demo", false),
        flink,
        Arrays.stream(origins.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
  }

  /** True for the prod stage. */
  public boolean isProd() {
    return stage == Stage.PROD;
  }

  /** RETAIN in prod so a stack deletion never takes data with it; DESTROY in dev. */
  public RemovalPolicy dataRemovalPolicy() {
    return isProd() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
  }

  /** A physical resource name unique per stage, e.g. {@code tally-dev-metrics}. */
  public String resourceName(String suffix) {
    return "tally-" + stage.id() + "-" + suffix;
  }

  /** A stack name unique per stage, e.g. {@code Tally-dev-Data}. */
  public String stackName(String suffix) {
    return "Tally-" + stage.id() + "-" + suffix;
  }

  private static String string(Function<String, Object> context, String key, String fallback) {
    Object value = context.apply(key);
    return value == null ? fallback : value.toString().trim();
  }

  private static <E extends Enum<E>> E choice(
      Function<String, Object> context, String key, Class<E> type, E fallback) {
    String value = string(context, key, fallback.name());
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      String allowed =
          String.join(
              "|",
              Arrays.stream(type.getEnumConstants())
                  .map(c -> c.name().toLowerCase(Locale.ROOT))
                  .toList());
      throw new IllegalArgumentException(
          "-c " + key + "=" + value + " is not valid; use -c " + key + "=" + allowed, e);
    }
  }

  private static boolean flag(Function<String, Object> context, String key, boolean fallback) {
    String value = string(context, key, Boolean.toString(fallback)).toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "-c " + key + "=" + value + " is not valid; use -c " + key + "=true|false");
    };
  }
}
