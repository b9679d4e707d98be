package dev.tally.opensearch.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import dev.tally.core.config.TallyConfig;
import dev.tally.core.error.NotFoundException;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.core.store.StoreRegistry;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.dynamodb.TableNames;
import dev.tally.observability.EmfMetrics;
import dev.tally.observability.RequestScope;
import dev.tally.opensearch.archive.ArchiveSource;
import dev.tally.opensearch.archive.S3Archive;
import dev.tally.opensearch.index.IndexNames;
import dev.tally.opensearch.index.OpenSearch;
import dev.tally.opensearch.replay.Replay;
import dev.tally.opensearch.replay.ReplayConfig;
import dev.tally.opensearch.replay.ReplaySummary;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The optional live sink ({@code -c liveSearch=true}): S3 notifies it of each object Firehose
 * writes to the archive, and it indexes that object exactly as {@code tally replay opensearch}
 * would (same documents, same ids, so it and any later replay never duplicate each other). A
 * failure is thrown, so Lambda retries the event; indexing an object twice changes nothing.
 *
 * <p>Environment: {@code TALLY_SEARCH_ENDPOINT} (the domain's host), {@code TALLY_STORES_TABLE},
 * {@code TALLY_INDEX_PREFIX} (default {@code tally}), {@code AWS_REGION}.
 */
public final class ArchiveToOpenSearchHandler implements RequestHandler<S3Event, String> {
  private static final Logger LOG = LoggerFactory.getLogger(ArchiveToOpenSearchHandler.class);

  private final S3Client s3;
  private final OpenSearch os;
  private final Function<String, Store> stores;
  private final IndexNames names;
  private final EmfMetrics metrics = EmfMetrics.create("search");

  public ArchiveToOpenSearchHandler() {
    this(System.getenv());
  }

  ArchiveToOpenSearchHandler(Map<String, String> env) {
    TallyConfig config = TallyConfig.fromEnv(env);
    AwsEndpoints aws = AwsEndpoints.fromEnv(env);
    this.s3 = S3Archive.client(aws);
    String endpoint = TallyConfig.required(config.searchEndpoint(), "TALLY_SEARCH_ENDPOINT");
    this.os = OpenSearch.aws(endpoint, aws.region());
    StoreRegistry registry =
        new ItemStoreRegistry(
            DynamoDbItemStore.keyOnly(
                aws.dynamoDb(), TableNames.of(config).stores(), Clock.systemUTC()));
    this.stores =
        id -> registry.find(id).orElseThrow(() -> new NotFoundException("no store '" + id + "'"));
    this.names = new IndexNames(config.indexPrefix());
  }

  public ArchiveToOpenSearchHandler(
      S3Client s3, OpenSearch os, Function<String, Store> stores, IndexNames names) {
    this.s3 = s3;
    this.os = os;
    this.stores = stores;
    this.names = names;
  }

  @Override
  public String handleRequest(S3Event event, Context context) {
    return RequestScope.run(
        context == null ? null : context.getAwsRequestId(), metrics, () -> handle(event));
  }

  private String handle(S3Event event) {
    long indexed = 0;
    for (S3EventNotification.S3EventNotificationRecord r : event.getRecords()) {
      String bucket = r.getS3().getBucket().getName();
      String key = URLDecoder.decode(r.getS3().getObject().getKey(), StandardCharsets.UTF_8);
      Long size = r.getS3().getObject().getSizeAsLong();
      Optional<ArchiveSource> object =
          S3Archive.object(
              s3, bucket, key, size == null ? 0 : size, r.getS3().getObject().geteTag());
      if (object.isEmpty()) {
        LOG.info("skipping s3://{}/{}: not an archive data file", bucket, key);
        continue;
      }
      ReplayConfig config =
          ReplayConfig.defaults(Path.of("/tmp/tally-replay")).withNames(names).withRestart(true);
      ReplaySummary s =
          new Replay(object.get(), os, stores, config, new Replay.Listener() {}).run("live");
      LOG.info("s3://{}/{}: {}", bucket, key, s.describe());
      if (s.badRows() > 0) {
        LOG.error(
            "{} bad rows from s3://{}/{} (see {})", s.badRows(), bucket, key, config.badRowsFile());
      }
      indexed += s.eventsIndexed();
    }
    return "indexed " + indexed;
  }
}
