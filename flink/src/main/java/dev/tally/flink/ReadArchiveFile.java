package dev.tally.flink;

import dev.tally.aggregator.rebuild.RebuildFilter;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.core.regulation.SuppressionList;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.opensearch.archive.ArchiveReader;
import dev.tally.opensearch.archive.ArchiveSource;
import dev.tally.opensearch.archive.LocalArchive;
import dev.tally.opensearch.archive.S3Archive;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The batch rebuild's reader: reads one archive file and emits the events a rebuild of the store
 * and range applies ({@link RebuildFilter}), one record per device as {@link SplitByDevice} cuts
 * them. Suppressed people are dropped later, by the sink's writer ({@link DynamoDbWiring}): one
 * look-up per write of a hundred records instead of one per archive line. No counting happens here.
 */
public final class ReadArchiveFile extends RichFlatMapFunction<ArchiveFileRef, DeviceRecord> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ReadArchiveFile.class);

  /** The accumulator with the number of events the job handed to the writer. */
  public static final String EVENTS = "tallyRebuildEvents";

  private final RebuildConfig config;
  private transient ArchiveSource archive;
  private transient S3Client s3;
  private transient RebuildFilter filter;
  private transient LongCounter events;

  public ReadArchiveFile(RebuildConfig config) {
    this.config = config;
  }

  @Override
  public void open(Configuration parameters) {
    AwsEndpoints aws = config.endpoints();
    Store store;
    try (DynamoDbClient ddb = aws.dynamoDb()) {
      store =
          new ItemStoreRegistry(
                  DynamoDbItemStore.keyOnly(ddb, config.job().storesTable(), Clock.systemUTC()))
              .find(config.store())
              .orElseThrow(() -> new IllegalStateException("no store '" + config.store() + "'"));
    }
    filter = new RebuildFilter(store, config.range(), SuppressionList.NONE);
    if (config.archive().startsWith("s3://")) {
      s3 = S3Archive.client(aws);
      archive = S3Archive.of(s3, config.archive());
    } else {
      archive = new LocalArchive(Path.of(config.archive()));
    }
    events = new LongCounter();
    getRuntimeContext().addAccumulator(EVENTS, events);
  }

  @Override
  public void flatMap(ArchiveFileRef file, Collector<DeviceRecord> out) throws IOException {
    int[] line = {0};
    try (InputStream in = archive.open(file.toFile())) {
      ArchiveReader.read(
          in,
          new ArchiveReader.Sink() {
            @Override
            public void entry(LogEntry entry, String text) {
              line[0]++;
              List<Event> wanted = filter.wanted(entry);
              if (wanted.isEmpty()) {
                return;
              }
              events.add(wanted.size());
              // Records are named by file and line: unique, and stable across runs.
              String id = file.key + ":" + line[0];
              if (wanted.size() == entry.events().size()) {
                SplitByDevice.split(entry, id, text.getBytes(StandardCharsets.UTF_8), out);
              } else {
                LogEntry kept = new LogEntry(entry.id(), entry.storeId(), wanted);
                SplitByDevice.split(kept, id, EventCodec.encode(kept), out);
              }
            }

            @Override
            public void badLine(String text, String reason) {
              line[0]++;
              // Never counted live either: the aggregator dead-lettered it.
              LOG.warn("{} line {}: {}", file.key, line[0], reason);
            }
          },
          n -> {});
    } catch (NoSuchFileException e) {
      LOG.warn("{} was removed since it was listed (a deletion); skipped", file.key);
    }
  }

  @Override
  public void close() {
    if (s3 != null) {
      s3.close();
    }
  }
}
