package dev.tally.flink;

import dev.tally.aggregator.rebuild.RebuildRange;
import dev.tally.dynamodb.AwsEndpoints;
import java.io.Serializable;
import java.net.URI;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the batch rebuild needs, immutable and serializable (it travels to the task managers).
 *
 * @param store the store whose aggregates are rebuilt
 * @param from first store-local day asked for
 * @param to last store-local day asked for (the job widens both with {@link RebuildRange#weeks})
 * @param archive the raw-event archive: a local directory or {@code s3://bucket/prefix}
 * @param s3Endpoint S3 endpoint override, e.g. an emulator; null for AWS
 * @param job the sink's settings (tables, shards, endpoints, batch sizes); its {@code stream} only
 *     names the job's input, here the archive, since a rebuild reads no stream
 */
public record RebuildConfig(
    String store, LocalDate from, LocalDate to, String archive, String s3Endpoint, JobConfig job)
    implements Serializable {

  public RebuildConfig {
    if (store == null || store.isBlank()) {
      throw new IllegalArgumentException("the store is required (--store)");
    }
    if (archive == null || archive.isBlank()) {
      throw new IllegalArgumentException(
          "the archive is required (--archive DIR|s3://bucket/prefix)");
    }
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (from.isAfter(to)) {
      throw new IllegalArgumentException("--from " + from + " is after --to " + to);
    }
  }

  /** The days rebuilt: those asked for, widened to whole months and weeks, as the CLI's rebuild. */
  public RebuildRange range() {
    return RebuildRange.weeks(store, from, to);
  }

  /** The job's endpoints (DynamoDB, SQS) and the archive's (S3). */
  public AwsEndpoints endpoints() {
    AwsEndpoints aws = DynamoDbWiring.endpoints(job);
    if (s3Endpoint == null || s3Endpoint.isBlank()) {
      return aws;
    }
    Map<String, URI> services = new HashMap<>(aws.services());
    services.put("S3", URI.create(s3Endpoint));
    return new AwsEndpoints(aws.endpoint(), aws.region(), services);
  }
}
