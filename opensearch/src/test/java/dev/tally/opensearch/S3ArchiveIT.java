package dev.tally.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.opensearch.archive.ArchiveFile;
import dev.tally.opensearch.archive.ArchiveFilter;
import dev.tally.opensearch.archive.S3Archive;
import dev.tally.opensearch.index.IndexNames;
import dev.tally.opensearch.index.OpenSearch;
import dev.tally.opensearch.lambda.ArchiveToOpenSearchHandler;
import dev.tally.opensearch.replay.Replay;
import dev.tally.opensearch.replay.ReplayConfig;
import dev.tally.opensearch.replay.ReplaySummary;
import dev.tally.testkit.OpenSearchServer;
import dev.tally.testkit.S3rver;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 side of the archive (as Firehose lays it out under {@code events/}) replayed into a real
 * OpenSearch: over the S3 protocol of s3rver (uploads, paged ListObjectsV2 by prefix, GetObject,
 * path-style at an overridden endpoint), and over {@link InMemoryS3} for the live sink's handler
 * indexing single objects as S3 announces them.
 */
@ExtendWith(OpenSearchServer.class)
class S3ArchiveIT {
  @TempDir Path work;

  @Test
  void replayFromS3_equalsTheLocalReplay_andAStoreFilterListsOnlyItsPrefix() {
    SeededTally seeded = SeededTally.get();
    InMemoryS3 s3 = new InMemoryS3("raw-events", 7);
    s3.putTree(seeded.tally.archiveDir(), "events/");
    s3.put("errors/processing-failed/dt=2026-11-30/x.gz", new byte[] {1, 2, 3});
    S3Archive archive = S3Archive.of(s3, "s3://raw-events/events");
    List<ArchiveFile> all = archive.list(ArchiveFilter.all());
    assertThat(all).hasSize(seeded.tally.archive().list(ArchiveFilter.all()).size());
    assertThat(all).noneMatch(f -> f.key().startsWith("_tally"));

    s3.lists.clear();
    List<ArchiveFile> s2 =
        archive.list(new ArchiveFilter(Optional.of("s2"), Optional.empty(), Optional.empty()));
    assertThat(s2).isNotEmpty().allMatch(f -> f.partition().store().equals("s2"));
    assertThat(s3.lists).allMatch(r -> r.prefix().equals("events/store=s2/"));

    IndexNames names = new IndexNames("s3");
    try (OpenSearch os = OpenSearch.connect(OpenSearchServer.url())) {
      ReplaySummary s =
          new Replay(
                  archive,
                  os,
                  seeded.tally::store,
                  ReplayConfig.defaults(work).withNames(names),
                  new Replay.Listener() {})
              .run(OpenSearchServer.url().toString());
      os.refresh(names.pattern());
      assertThat(s.badRows()).isZero();
      assertThat(os.count(names.pattern())).isEqualTo(seeded.accepted());
    }
  }

  @Test
  void replayOverTheS3Protocol_ofS3rver_indexesEveryAcceptedEventOnce() throws Exception {
    SeededTally seeded = SeededTally.get();
    try (S3rver server = S3rver.start();
        software.amazon.awssdk.services.s3.S3Client s3 =
            S3Archive.client(AwsEndpoints.local(server.endpoint()), S3rver.CREDENTIALS)) {
      s3.createBucket(b -> b.bucket("tally-archive"));
      InMemoryS3 files = new InMemoryS3("tally-archive", 1000);
      files.putTree(seeded.tally.archiveDir(), "raw/events/");
      for (var e : files.objects().entrySet()) {
        s3.putObject(
            b -> b.bucket("tally-archive").key(e.getKey()),
            software.amazon.awssdk.core.sync.RequestBody.fromBytes(e.getValue()));
      }
      S3Archive archive = S3Archive.of(s3, "s3://tally-archive/raw/events/");
      assertThat(archive.list(ArchiveFilter.all()))
          .hasSize(seeded.tally.archive().list(ArchiveFilter.all()).size());
      IndexNames names = new IndexNames("s3rver");
      try (OpenSearch os = OpenSearch.connect(OpenSearchServer.url())) {
        ReplaySummary s =
            new Replay(
                    archive,
                    os,
                    seeded.tally::store,
                    ReplayConfig.defaults(work).withNames(names),
                    new Replay.Listener() {})
                .run(OpenSearchServer.url().toString());
        os.refresh(names.pattern());
        assertThat(s.badRows()).isZero();
        assertThat(os.count(names.pattern())).isEqualTo(seeded.accepted());
        assertThat(os.count(names.storeAlias("s2"))).isEqualTo(seeded.s2.size());
      }
    }
  }

  @Test
  void liveSink_indexesEachObjectS3Announces_andSkipsWhatIsNotArchiveData() {
    SeededTally seeded = SeededTally.get();
    InMemoryS3 s3 = new InMemoryS3("raw-events", 1000);
    s3.putTree(seeded.tally.archiveDir(), "events/");
    IndexNames names = new IndexNames("live");
    try (OpenSearch os = OpenSearch.connect(OpenSearchServer.url())) {
      ArchiveToOpenSearchHandler handler =
          new ArchiveToOpenSearchHandler(s3, os, seeded.tally::store, names);
      List<String> keys =
          s3.objects().keySet().stream().filter(k -> !k.contains("/_tally/")).toList();
      // Each object announced once, one of them twice (S3 delivers at least once), plus noise.
      for (String key : keys) {
        handler.handleRequest(event("raw-events", key, s3.objects().get(key).length), null);
      }
      handler.handleRequest(
          event("raw-events", keys.get(0), s3.objects().get(keys.get(0)).length), null);
      assertThat(handler.handleRequest(event("raw-events", "events/_tally/state.json", 10), null))
          .isEqualTo("indexed 0");
      os.refresh(names.pattern());
      assertThat(os.count(names.pattern())).isEqualTo(seeded.accepted());
    }
  }

  static S3Event event(String bucket, String key, long size) {
    var object =
        new S3EventNotification.S3ObjectEntity(
            key.replace("=", "%3D"), size, "\"etag-" + key.hashCode() + "\"", null, null);
    var s3 =
        new S3EventNotification.S3Entity(
            "archive",
            new S3EventNotification.S3BucketEntity(bucket, null, "arn:aws:s3:::" + bucket),
            object,
            "1.0");
    var record =
        new S3EventNotification.S3EventNotificationRecord(
            "eu-west-1",
            "ObjectCreated:Put",
            "aws:s3",
            "2026-11-30T00:00:00.000Z",
            "2.1",
            null,
            null,
            s3,
            null);
    return new S3Event(List.of(record));
  }
}
