package dev.tally.opensearch.regulation;

import dev.tally.core.regulation.RawEventSource;
import dev.tally.core.regulation.Redactor;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.opensearch.archive.S3Archive;

/**
 * The AWS engine's raw events for a regulation: the S3 archive Firehose writes ({@code
 * TALLY_ARCHIVE_URL}) is where the people's events are read and what is rewritten without them.
 * Used by {@code tally up} on AWS and by the deployed regulation Lambda alike.
 */
public record AwsArchiveRegulation(RawEventSource raw, Redactor redactor) {

  /** For {@code s3://bucket/prefix}, with an S3 client configured by {@code aws}. */
  public static AwsArchiveRegulation of(AwsEndpoints aws, String archiveUrl) {
    var s3 = S3Archive.client(aws);
    S3Archive archive = S3Archive.of(s3, archiveUrl);
    return new AwsArchiveRegulation(new ArchiveEvents(archive), new S3ArchiveRedactor(s3, archive));
  }
}
