package dev.tally.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.app.rebuild.StagedRebuild;
import dev.tally.core.config.TallyConfig;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import dev.tally.core.item.MetricKeys;
import dev.tally.core.regulation.SuppressionList;
import dev.tally.core.sim.Workload;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.dynamodb.DynamoDbItemTables;
import dev.tally.dynamodb.TableNames;
import dev.tally.dynamodb.Tables;
import dev.tally.opensearch.archive.ArchiveFile;
import dev.tally.opensearch.archive.ArchiveFilter;
import dev.tally.opensearch.archive.ArchiveLayout;
import dev.tally.opensearch.archive.ArchiveSource;
import dev.tally.opensearch.archive.LocalArchive;
import dev.tally.testkit.DynaliteFixture;
import dev.tally.testkit.metrics.RawEvent;
import dev.tally.testkit.metrics.SameItems;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code tally rebuild --engine aws} on DynamoDB (dynalite) from an archive in the archiver's
 * layout: a fresh rebuild of 30 days comes out item for item as live aggregation wrote it, the
 * staging table is gone afterwards, an in-place run counts nothing, and what the archive held only
 * after the rebuild had read it is counted by the catch-up.
 */
class RebuildAwsIT {
  static final Store STORE = Store.of("prints", "Europe/Berlin", "EUR", List.of());
  static final LocalDate LAST = LocalDate.now(ZoneOffset.UTC).minusDays(1);

  @TempDir Path dir;
  DynamoDbClient ddb;
  Map<String, String> env;
  TallyConfig config;
  List<LogEntry> entries;

  @BeforeEach
  void liveCounting() throws IOException {
    DynaliteFixture dynalite = DynaliteFixture.shared();
    ddb = dynalite.client();
    String prefix = dynalite.uniquePrefix();
    env =
        Map.of(
            "AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString(),
            "TALLY_METRICS_TABLE", prefix + "metrics",
            "TALLY_STORES_TABLE", prefix + "stores",
            "TALLY_DEDUP_TABLE", prefix + "dedup");
    config = TallyConfig.fromEnv(env);
    Tables.createIfMissing(ddb, TableNames.of(config));
    new ItemStoreRegistry(DynamoDbItemStore.keyOnly(ddb, config.storesTable(), Clock.systemUTC()))
        .create(STORE, "wk-prints", "rk-prints");
    List<Event> events =
        new Workload(41, 40, 12, 30, 1_000, LAST)
            .generate().stream().map(RawEvent::fromSegment).map(RawEvent::toEvent).toList();
    entries = new ArrayList<>();
    for (int i = 0; i < events.size(); i += 20) {
      entries.add(
          new LogEntry("e" + i, STORE.id(), events.subList(i, Math.min(events.size(), i + 20))));
    }
    // Live aggregation: the Lambda's writer on the metrics table, one log entry at a time.
    ItemMetricWriter live =
        new ItemMetricWriter(
            DynamoDbItemStore.create(ddb, config.metricsTable(), Clock.systemUTC()),
            new AggregatorConfig(4, 50, 8));
    for (LogEntry e : entries) {
      live.apply(STORE, e.events());
    }
    writeArchive(dir.resolve("archive"), entries);
  }

  @Test
  void freshRebuildOnDynamoDb_equalsLiveAggregation_itemForItem_andInPlaceCountsNothing() {
    Map<String, Item> live = storeItems();
    assertThat(live).hasSizeGreaterThan(300);

    assertThat(cli(awsArgs("--settle", "0s"))).isZero();
    SameItems.assertSame(storeItems(), live);
    assertThat(ddb.listTables().tableNames()).noneMatch(t -> t.contains("-rebuild-"));
    assertThat(dir.resolve("state")).isEmptyDirectory();

    assertThat(cli(awsArgs("--into", "in-place"))).isZero();
    SameItems.assertSame(storeItems(), live);
  }

  @Test
  void eventsArchivedAfterTheRebuildReadTheArchive_areCountedByTheCatchUp() {
    Map<String, Item> live = storeItems();
    LocalArchive archive = new LocalArchive(dir.resolve("archive"));
    // The first listing (the rebuild's) sees half the files; later ones (the catch-up's) all.
    ArchiveSource late =
        new ArchiveSource() {
          int lists;

          @Override
          public List<ArchiveFile> list(ArchiveFilter filter) {
            List<ArchiveFile> all = archive.list(filter);
            return lists++ == 0 ? all.subList(0, all.size() / 2) : all;
          }

          @Override
          public InputStream open(ArchiveFile file) throws IOException {
            return archive.open(file);
          }

          @Override
          public String describe() {
            return archive.describe();
          }
        };
    StagedRebuild.Result r =
        StagedRebuild.aws(
                new DynamoDbItemTables(ddb, config.metricsTable(), Clock.systemUTC()),
                late,
                Duration.ZERO,
                SuppressionList.NONE)
            .run(
                new StagedRebuild.Config(
                    dir.resolve("state"),
                    STORE,
                    LAST.minusDays(29),
                    LAST,
                    StagedRebuild.Into.FRESH,
                    false,
                    4),
                dev.tally.aggregator.rebuild.Rebuild.Progress.NONE);
    assertThat(r.summary().events()).isLessThan(entries.size() * 20L);
    SameItems.assertSame(storeItems(), live);
  }

  @Test
  void preparedStagingTable_filledByAnotherProgram_isSwitchedIn_equalToLiveAggregation() {
    Map<String, Item> live = storeItems();
    assertThat(cli(awsArgs("--settle", "0s", "--switch"))).as("nothing prepared yet").isEqualTo(2);
    assertThat(cli(awsArgs("--prepare"))).isZero();
    String staging =
        ddb.listTables().tableNames().stream()
            .filter(t -> t.startsWith(config.metricsTable() + "-rebuild-"))
            .findFirst()
            .orElseThrow();
    // What the Flink batch job does: the archive's entries through the writer, into staging.
    ItemMetricWriter job =
        new ItemMetricWriter(
            DynamoDbItemStore.create(ddb, staging, Clock.systemUTC()),
            new AggregatorConfig(4, 50, 8));
    for (LogEntry e : entries) {
      job.apply(STORE, e.events());
    }
    assertThat(storeItems()).isEqualTo(live); // nothing switched before --switch
    assertThat(cli(awsArgs("--settle", "0s", "--switch"))).isZero();
    SameItems.assertSame(storeItems(), live);
    assertThat(ddb.listTables().tableNames()).doesNotContain(staging);
  }

  /** The CLI's arguments for the 30 days on the AWS engine from this test's archive, and more. */
  private String[] awsArgs(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--store",
                STORE.id(),
                "--from",
                LAST.minusDays(29).toString(),
                "--to",
                LAST.toString(),
                "--engine",
                "aws",
                "--archive",
                dir.resolve("archive").toString(),
                "--state",
                dir.resolve("state").toString(),
                "--no-progress"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private int cli(String... args) {
    RebuildCommand cmd = new RebuildCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.run(env);
  }

  /** The store's items, without their version counters. */
  private Map<String, Item> storeItems() {
    Map<String, Item> out = new TreeMap<>();
    DynamoDbItemStore.create(ddb, config.metricsTable(), Clock.systemUTC())
        .scan(
            STORE.id() + "#",
            null,
            i -> {
              Map<String, AttrValue> attrs = new LinkedHashMap<>(i.attrs());
              attrs.remove(MetricKeys.VERSION);
              out.put(i.key().pk() + "|" + i.key().sk(), Item.of(i.key(), attrs));
            });
    return out;
  }

  /**
   * The entries as the archiver lays them out: one gzip file of 10 entries at a time, partitioned
   * by arrival (here all yesterday), so the files list in log order.
   */
  private static void writeArchive(Path root, List<LogEntry> entries) throws IOException {
    for (int i = 0; i < entries.size(); i += 10) {
      List<LogEntry> file = entries.subList(i, Math.min(entries.size(), i + 10));
      Path partition =
          Files.createDirectories(
              root.resolve(
                  ArchiveLayout.Partition.of(
                          STORE.id(), LAST.atTime(12, 0).toInstant(ZoneOffset.UTC).plusSeconds(i))
                      .path()));
      try (OutputStream out =
          new GZIPOutputStream(
              Files.newOutputStream(
                  partition.resolve(ArchiveLayout.fileName(i, i + file.size() - 1))))) {
        for (LogEntry e : file) {
          out.write(EventCodec.encodeToString(e).getBytes(StandardCharsets.UTF_8));
          out.write('\n');
        }
      }
    }
  }
}
