package dev.tally.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Tally's settings, read from the environment in one place ({@link #fromEnv}) and used by {@code
 * tally up}, the three Lambdas and the Flink job. Immutable; every field has a documented default
 * ({@link #SETTINGS}, which the README's configuration table must match: {@code
 * ReadmeConfigurationTableTest}). Blank values count as unset everywhere.
 *
 * @param shards store-day write shards; the aggregator and the query side must agree
 * @param metricsTable DynamoDB table of the metric items
 * @param storesTable DynamoDB table of the store registry
 * @param dedupTable DynamoDB table of ingest's message-id dedup
 * @param shopTable the demo shop's DynamoDB table (tally up on DynamoDB)
 * @param log the AWS event log: SQS or Kinesis
 * @param queueUrl the SQS event queue (SQS log); empty: created locally by tally up
 * @param streamName the Kinesis stream (Kinesis log)
 * @param dlqUrl the dead-letter queue of the aggregator; empty: created locally by tally up
 * @param archiveStream the Firehose delivery stream of the SQS-mode archive; empty: none
 * @param dedupTtl how long ingest remembers a message id
 * @param maxEventAge how old a live event's timestamp may be
 * @param adminToken bearer token of the admin API; empty: generated and printed by tally up
 * @param adminSecretArn the Secrets Manager secret holding the admin token (the regulation Lambda,
 *     when {@code adminToken} is unset)
 * @param searchEndpoint the OpenSearch domain of the live-search Lambda
 * @param indexPrefix the OpenSearch index prefix
 * @param openSearchUrl where tally up's deletions also remove people's documents; empty: nowhere
 * @param archiveUrl the S3 archive ({@code s3://bucket/prefix}) the AWS engine's deletions rewrite
 *     and read
 */
public record TallyConfig(
    int shards,
    String metricsTable,
    String storesTable,
    String dedupTable,
    String shopTable,
    LogKind log,
    Optional<String> queueUrl,
    Optional<String> streamName,
    Optional<String> dlqUrl,
    Optional<String> archiveStream,
    Duration dedupTtl,
    Duration maxEventAge,
    Optional<String> adminToken,
    Optional<String> adminSecretArn,
    Optional<String> searchEndpoint,
    String indexPrefix,
    Optional<String> openSearchUrl,
    Optional<String> archiveUrl) {

  /** The AWS event log. */
  public enum LogKind {
    SQS,
    KINESIS
  }

  /** One environment variable: its name, its default as documented, and what it means. */
  public record Setting(String name, String defaultValue, String meaning) {}

  /**
   * Every variable Tally reads, in the order of the README's table. Besides the fields above: the
   * log format and level, which the logging configuration (logback) reads itself.
   */
  public static final List<Setting> SETTINGS =
      List.of(
          new Setting("TALLY_SHARDS", "4", "Store-day write shards; aggregator and query agree."),
          new Setting("TALLY_METRICS_TABLE", "tally-metrics", "DynamoDB table of the metrics."),
          new Setting("TALLY_STORES_TABLE", "tally-stores", "DynamoDB table of the stores."),
          new Setting("TALLY_DEDUP_TABLE", "tally-dedup", "DynamoDB table of ingest's dedup."),
          new Setting("TALLY_SHOP_TABLE", "tally-demo-shop", "The demo shop's DynamoDB table."),
          new Setting("TALLY_LOG", "sqs", "The AWS event log: sqs or kinesis."),
          new Setting("TALLY_QUEUE_URL", "unset", "The SQS event queue."),
          new Setting("TALLY_STREAM_NAME", "unset", "The Kinesis stream."),
          new Setting("TALLY_DLQ_URL", "unset", "The aggregator's dead-letter queue."),
          new Setting("TALLY_ARCHIVE_STREAM", "unset", "Firehose stream of the SQS archive."),
          new Setting("TALLY_DEDUP_TTL_HOURS", "24", "Hours ingest remembers a message id."),
          new Setting("TALLY_MAX_EVENT_AGE_DAYS", "30", "Oldest live event, in days."),
          new Setting("TALLY_ADMIN_TOKEN", "unset", "Bearer token of the admin API."),
          new Setting(
              "TALLY_ADMIN_SECRET_ARN", "unset", "Secret holding the admin token (Lambda)."),
          new Setting("TALLY_SEARCH_ENDPOINT", "unset", "OpenSearch domain (live search)."),
          new Setting("TALLY_INDEX_PREFIX", "tally", "OpenSearch index prefix."),
          new Setting(
              "TALLY_OPENSEARCH_URL", "unset", "Where tally up's deletions reach OpenSearch."),
          new Setting(
              "TALLY_ARCHIVE_URL", "unset", "The S3 archive AWS deletions rewrite (s3://…)."),
          new Setting("TALLY_LOG_FORMAT", "text", "json: one JSON object per log line."),
          new Setting("TALLY_LOG_LEVEL", "INFO", "Level of Tally's own loggers."));

  public TallyConfig {
    if (shards < 1 || shards > 1_000) {
      throw new IllegalArgumentException("TALLY_SHARDS must be 1..1000, not " + shards);
    }
    Objects.requireNonNull(metricsTable, "metricsTable");
    Objects.requireNonNull(storesTable, "storesTable");
    Objects.requireNonNull(dedupTable, "dedupTable");
    Objects.requireNonNull(shopTable, "shopTable");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(queueUrl, "queueUrl");
    Objects.requireNonNull(streamName, "streamName");
    Objects.requireNonNull(dlqUrl, "dlqUrl");
    Objects.requireNonNull(archiveStream, "archiveStream");
    Objects.requireNonNull(adminToken, "adminToken");
    Objects.requireNonNull(adminSecretArn, "adminSecretArn");
    Objects.requireNonNull(searchEndpoint, "searchEndpoint");
    Objects.requireNonNull(indexPrefix, "indexPrefix");
    Objects.requireNonNull(openSearchUrl, "openSearchUrl");
    Objects.requireNonNull(archiveUrl, "archiveUrl");
    archiveUrl.ifPresent(
        u -> {
          if (!u.startsWith("s3://") || u.length() <= "s3://".length()) {
            throw new IllegalArgumentException(
                "TALLY_ARCHIVE_URL must be s3://bucket[/prefix], not '" + u + "'");
          }
        });
    if (dedupTtl.isNegative() || dedupTtl.isZero()) {
      throw new IllegalArgumentException("TALLY_DEDUP_TTL_HOURS must be positive");
    }
    if (maxEventAge.isNegative() || maxEventAge.isZero()) {
      throw new IllegalArgumentException("TALLY_MAX_EVENT_AGE_DAYS must be positive");
    }
  }

  /** Every default, as {@link #SETTINGS} documents it. */
  public static TallyConfig defaults() {
    return fromEnv(Map.of());
  }

  /** Reads every setting from {@code env} (usually {@code System.getenv()}); blank means unset. */
  public static TallyConfig fromEnv(Map<String, String> env) {
    Function<String, Optional<String>> get =
        name -> Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    return new TallyConfig(
        (int) number(get, "TALLY_SHARDS"),
        text(get, "TALLY_METRICS_TABLE"),
        text(get, "TALLY_STORES_TABLE"),
        text(get, "TALLY_DEDUP_TABLE"),
        text(get, "TALLY_SHOP_TABLE"),
        logKind(text(get, "TALLY_LOG")),
        get.apply("TALLY_QUEUE_URL"),
        get.apply("TALLY_STREAM_NAME"),
        get.apply("TALLY_DLQ_URL"),
        get.apply("TALLY_ARCHIVE_STREAM"),
        Duration.ofHours(number(get, "TALLY_DEDUP_TTL_HOURS")),
        Duration.ofDays(number(get, "TALLY_MAX_EVENT_AGE_DAYS")),
        get.apply("TALLY_ADMIN_TOKEN"),
        get.apply("TALLY_ADMIN_SECRET_ARN"),
        get.apply("TALLY_SEARCH_ENDPOINT"),
        text(get, "TALLY_INDEX_PREFIX"),
        get.apply("TALLY_OPENSEARCH_URL"),
        get.apply("TALLY_ARCHIVE_URL"));
  }

  /** The same settings with another shard count. */
  public TallyConfig withShards(int n) {
    return new TallyConfig(
        n,
        metricsTable,
        storesTable,
        dedupTable,
        shopTable,
        log,
        queueUrl,
        streamName,
        dlqUrl,
        archiveStream,
        dedupTtl,
        maxEventAge,
        adminToken,
        adminSecretArn,
        searchEndpoint,
        indexPrefix,
        openSearchUrl,
        archiveUrl);
  }

  /** The value of a setting that must be present for the caller, with a message naming it. */
  public static String required(Optional<String> value, String name) {
    return value.orElseThrow(() -> new IllegalStateException(name + " must be set"));
  }

  private static String defaultOf(String name) {
    return SETTINGS.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("undocumented setting " + name))
        .defaultValue();
  }

  private static String text(Function<String, Optional<String>> get, String name) {
    return get.apply(name).orElse(defaultOf(name));
  }

  private static long number(Function<String, Optional<String>> get, String name) {
    String v = text(get, name);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalStateException(name + " must be a whole number, not '" + v + "'", e);
    }
  }

  private static LogKind logKind(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "sqs" -> LogKind.SQS;
      case "kinesis" -> LogKind.KINESIS;
      default -> throw new IllegalStateException("TALLY_LOG must be sqs or kinesis, not " + v);
    };
  }
}
