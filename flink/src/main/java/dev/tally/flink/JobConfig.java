package dev.tally.flink;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the Flink job needs to know, immutable and serializable (it travels to the task
 * managers, which build their own clients from it). The environment is read only in {@link
 * TallyFlinkJob#main}.
 *
 * @param stream the Kinesis stream ingest writes (required)
 * @param region AWS region (default {@code us-east-1})
 * @param kinesisEndpoint Kinesis endpoint override, e.g. an emulator; null for AWS
 * @param dynamoDbEndpoint DynamoDB endpoint override; null for AWS
 * @param sqsEndpoint SQS endpoint override (dead letters); null for AWS
 * @param metricsTable the metrics table (default {@code tally-metrics})
 * @param storesTable the stores table (default {@code tally-stores})
 * @param deadLetterQueueUrl where records that can never be applied go; null logs them instead
 * @param shards write shards per store-day; must match the query side's (default 4)
 * @param batchRecords a device's batch is applied once it holds this many log records (default 50)
 * @param batchWait ... or once its first record has waited this long (default 200 ms)
 * @param checkpointInterval how often Flink checkpoints (default 10 s)
 * @param checkpointDir where checkpoints go, e.g. {@code file:///var/tally/checkpoints}; null keeps
 *     the cluster's setting (Managed Service for Apache Flink manages its own)
 * @param fromLatest start a job without a checkpoint at the stream's tip instead of its oldest
 *     record (default false: read everything the stream still holds; counting is idempotent)
 * @param applyAttempts attempts to apply one device batch before the task fails and Flink restarts
 *     from the last checkpoint (default 6)
 */
public record JobConfig(
    String stream,
    String region,
    String kinesisEndpoint,
    String dynamoDbEndpoint,
    String sqsEndpoint,
    String metricsTable,
    String storesTable,
    String deadLetterQueueUrl,
    int shards,
    int batchRecords,
    Duration batchWait,
    Duration checkpointInterval,
    String checkpointDir,
    boolean fromLatest,
    int applyAttempts)
    implements Serializable {

  public JobConfig {
    if (stream == null || stream.isBlank()) {
      throw new IllegalArgumentException("the Kinesis stream name is required (--stream)");
    }
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(metricsTable, "metricsTable");
    Objects.requireNonNull(storesTable, "storesTable");
    Objects.requireNonNull(batchWait, "batchWait");
    Objects.requireNonNull(checkpointInterval, "checkpointInterval");
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be at least 1");
    }
    if (batchRecords < 1) {
      throw new IllegalArgumentException("batchRecords must be at least 1");
    }
    if (batchWait.isNegative() || batchWait.isZero()) {
      throw new IllegalArgumentException("batchWait must be positive");
    }
    if (checkpointInterval.toMillis() < 10) {
      throw new IllegalArgumentException("checkpointInterval must be at least 10 ms");
    }
    if (applyAttempts < 1) {
      throw new IllegalArgumentException("applyAttempts must be at least 1");
    }
  }

  public static Builder builder(String stream) {
    return new Builder(stream);
  }

  public Builder toBuilder() {
    return new Builder(stream)
        .region(region)
        .kinesisEndpoint(kinesisEndpoint)
        .dynamoDbEndpoint(dynamoDbEndpoint)
        .sqsEndpoint(sqsEndpoint)
        .metricsTable(metricsTable)
        .storesTable(storesTable)
        .deadLetterQueueUrl(deadLetterQueueUrl)
        .shards(shards)
        .batchRecords(batchRecords)
        .batchWait(batchWait)
        .checkpointInterval(checkpointInterval)
        .checkpointDir(checkpointDir)
        .fromLatest(fromLatest)
        .applyAttempts(applyAttempts);
  }

  /** The defaults listed on {@link JobConfig}; only the stream is required. */
  public static final class Builder {
    private final String stream;
    private String region = "us-east-1";
    private String kinesisEndpoint;
    private String dynamoDbEndpoint;
    private String sqsEndpoint;
    private String metricsTable = "tally-metrics";
    private String storesTable = "tally-stores";
    private String deadLetterQueueUrl;
    private int shards = 4;
    private int batchRecords = 50;
    private Duration batchWait = Duration.ofMillis(200);
    private Duration checkpointInterval = Duration.ofSeconds(10);
    private String checkpointDir;
    private boolean fromLatest;
    private int applyAttempts = 6;

    private Builder(String stream) {
      this.stream = stream;
    }

    public Builder region(String v) {
      region = v;
      return this;
    }

    public Builder kinesisEndpoint(String v) {
      kinesisEndpoint = blankToNull(v);
      return this;
    }

    public Builder dynamoDbEndpoint(String v) {
      dynamoDbEndpoint = blankToNull(v);
      return this;
    }

    public Builder sqsEndpoint(String v) {
      sqsEndpoint = blankToNull(v);
      return this;
    }

    public Builder metricsTable(String v) {
      metricsTable = v;
      return this;
    }

    public Builder storesTable(String v) {
      storesTable = v;
      return this;
    }

    public Builder deadLetterQueueUrl(String v) {
      deadLetterQueueUrl = blankToNull(v);
      return this;
    }

    public Builder shards(int v) {
      shards = v;
      return this;
    }

    public Builder batchRecords(int v) {
      batchRecords = v;
      return this;
    }

    public Builder batchWait(Duration v) {
      batchWait = v;
      return this;
    }

    public Builder checkpointInterval(Duration v) {
      checkpointInterval = v;
      return this;
    }

    public Builder checkpointDir(String v) {
      checkpointDir = blankToNull(v);
      return this;
    }

    public Builder fromLatest(boolean v) {
      fromLatest = v;
      return this;
    }

    public Builder applyAttempts(int v) {
      applyAttempts = v;
      return this;
    }

    public JobConfig build() {
      return new JobConfig(
          stream,
          region,
          kinesisEndpoint,
          dynamoDbEndpoint,
          sqsEndpoint,
          metricsTable,
          storesTable,
          deadLetterQueueUrl,
          shards,
          batchRecords,
          batchWait,
          checkpointInterval,
          checkpointDir,
          fromLatest,
          applyAttempts);
    }

    private static String blankToNull(String v) {
      return v == null || v.isBlank() ? null : v.trim();
    }
  }
}
