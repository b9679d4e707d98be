package dev.tally.app.stack;

import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.AggregatorService;
import dev.tally.aggregator.ItemBadEvents;
import dev.tally.aggregator.LogPoller;
import dev.tally.aggregator.regulation.SuppressingMetricWriter;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.app.regulation.EmbeddedRawEvents;
import dev.tally.app.regulation.LogRedactor;
import dev.tally.app.regulation.RegulationRunner;
import dev.tally.core.config.TallyConfig;
import dev.tally.core.event.Json;
import dev.tally.core.item.ItemStore;
import dev.tally.core.port.ItemDedupStore;
import dev.tally.core.regulation.DeletionStep;
import dev.tally.core.regulation.ItemRegulations;
import dev.tally.core.regulation.ItemSuppressionList;
import dev.tally.core.regulation.RawEventSource;
import dev.tally.core.regulation.Redactor;
import dev.tally.core.regulation.RegulationJob;
import dev.tally.core.regulation.RegulationSteps;
import dev.tally.core.regulation.Regulations;
import dev.tally.core.regulation.SuppressionList;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.StoreRegistry;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.http.AdminToken;
import dev.tally.ingest.IngestConfig;
import dev.tally.ingest.IngestMetrics;
import dev.tally.ingest.IngestService;
import dev.tally.ingest.ItemRejectedEvents;
import dev.tally.ingest.http.IngestRoutes;
import dev.tally.opensearch.archive.LocalArchiver;
import dev.tally.opensearch.index.IndexNames;
import dev.tally.opensearch.index.OpenSearch;
import dev.tally.opensearch.regulation.AwsArchiveRegulation;
import dev.tally.opensearch.regulation.LocalArchiveRedactor;
import dev.tally.opensearch.regulation.OpenSearchDeleteStep;
import dev.tally.query.MetricsReader;
import dev.tally.query.QueryConfig;
import dev.tally.query.QueryService;
import dev.tally.query.http.QueryRoutes;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one process: HTTP (ingest, query, admin, health, metrics) on one port, a
 * durable event log, and the log poller as aggregator, on one storage {@link Engine}: embedded
 * SQLite files under the data directory by default, or DynamoDB and SQS at {@code AWS_ENDPOINT_URL}
 * when it is set.
 */
public final class EmbeddedStack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<Consumer<URI>> started = new ArrayList<>();
  private final StackConfig config;
  private Engine engine;
  private StoreRegistry stores;
  private LogPoller poller;
  private Javalin http;
  private String adminToken;
  private SuppressionList suppressions;
  private Regulations regulations;
  private RegulationRunner regulationRunner;
  private AggregatorService aggregator;
  private final PrometheusMeterRegistry meters =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private EmbeddedStack(StackConfig config) {
    this.config = config;
  }

  /** Starts everything; {@code extraRoutes} mount more modules (dashboards, demo store). */
  public static EmbeddedStack start(
      StackConfig config, Map<String, String> env, List<Consumer<Context>> extraRoutes) {
    EmbeddedStack s = new EmbeddedStack(config);
    try {
      s.boot(env, extraRoutes);
      return s;
    } catch (RuntimeException | LinkageError e) {
      s.close();
      throw e;
    }
  }

  public static EmbeddedStack start(StackConfig config, Map<String, String> env) {
    return start(config, env, List.of());
  }

  /** What extra route modules receive: the server config and the demo shop's item store. */
  public record Context(
      JavalinConfig http,
      ItemStore shop,
      Consumer<Consumer<URI>> onStarted,
      Consumer<AutoCloseable> onClose) {}

  private void boot(Map<String, String> env, List<Consumer<Context>> extraRoutes) {
    engine = Engine.open(config, env);
    closeables.add(engine);
    if (engine instanceof EmbeddedEngine embedded && config.archives()) {
      // Closed before the engine (closeables close in reverse): its last round reads the log.
      LocalArchiver archiver =
          LocalArchiver.open(
              embedded.eventLog()::readFrom,
              LocalArchiver.Config.defaults(config.archiveDir())
                  .withRollEvery(config.archiveRoll()));
      embedded.eventLog().holdRetentionAfter(archiver::cursor);
      archiver.start();
      closeables.add(archiver);
      LOG.info(
          "archiving raw events to {} every {} s",
          config.archiveDir(),
          config.archiveRoll().toSeconds());
    }
    stores = new ItemStoreRegistry(engine.stores());
    if (config.seedDemoStore()) {
      DemoStore.ensure(stores);
    }
    adminToken =
        config.adminToken().filter(t -> !t.isBlank()).orElseGet(EmbeddedStack::randomToken);

    suppressions = new ItemSuppressionList(engine.stores(), Clock.systemUTC());
    aggregator =
        new AggregatorService(
            stores,
            new SuppressingMetricWriter(
                new ItemMetricWriter(
                    engine.metrics(),
                    AggregatorConfig.defaults()
                        .withShards(config.shards())
                        .withMaxItemsPerTransaction(engine.itemsPerTransaction())),
                suppressions),
            new ItemBadEvents(engine.metrics(), Clock.systemUTC()));
    poller = new LogPoller(engine.consumer(), aggregator, engine.recordsPerPoll());
    poller.start();

    IngestService ingest =
        new IngestService(
            IngestConfig.defaults(),
            stores,
            new ItemDedupStore(engine.dedup(), Duration.ofHours(24), Clock.systemUTC()),
            engine.log(),
            Clock.systemUTC(),
            new IngestMetrics(meters),
            new ItemRejectedEvents(engine.metrics(), Clock.systemUTC()),
            suppressions);
    regulations = new ItemRegulations(engine.stores());
    regulationRunner = new RegulationRunner(regulationJob(env), config.regulationSettle());
    closeables.add(regulationRunner);
    regulationRunner.start();
    QueryService query =
        new QueryService(
            stores,
            new MetricsReader(engine.metrics()),
            QueryConfig.defaults().withShards(config.shards()));

    http =
        Javalin.create(
            c -> {
              c.jsonMapper(new JavalinJackson(Json.mapper(), false));
              c.jetty.host = config.host();
              c.jetty.port = config.port();
              c.http.maxRequestSize = 1024 * 1024;
              c.startup.showJavalinBanner = false;
              new IngestRoutes(ingest).register(c);
              new QueryRoutes(query).register(c);
              AdminToken admin = AdminToken.of(adminToken);
              new AdminRoutes(stores, admin).register(c);
              new RegulationRoutes(admin, regulationRunner, regulations).register(c);
              new LedgerRoutes(new dev.tally.http.LedgerApi(admin, stores, engine.metrics()))
                  .register(c);
              c.routes.get(
                  "/healthz",
                  ctx -> {
                    boolean ok = healthy();
                    ctx.status(ok ? 200 : 503).json(Map.of("status", ok ? "ok" : "starting"));
                  });
              c.routes.get(
                  "/metrics",
                  ctx -> ctx.contentType("text/plain; version=0.0.4").result(meters.scrape()));
              for (Consumer<Context> extra : extraRoutes) {
                extra.accept(new Context(c, engine.shop(), started::add, closeables::add));
              }
            });
    http.start();
    for (Consumer<URI> s : started) {
      s.accept(baseUri());
    }
    LOG.info("Tally is listening on {} ({})", baseUri(), engine.description());
  }

  /** The regulation job of this engine: what differs is where the raw events are. */
  private RegulationJob regulationJob(Map<String, String> env) {
    TallyConfig tally = TallyConfig.fromEnv(env);
    RawEventSource raw = null;
    List<Redactor> redactors = new ArrayList<>();
    List<DeletionStep> after = new ArrayList<>();
    if (engine instanceof EmbeddedEngine embedded) {
      raw =
          new EmbeddedRawEvents(
              config.archives() ? config.archiveDir() : null, embedded.eventLog());
      redactors.add(new LogRedactor(embedded.eventLog()));
      if (config.archives()) {
        redactors.add(new LocalArchiveRedactor(config.archiveDir()));
      }
    } else if (tally.archiveUrl().isPresent()) {
      // AWS: the S3 archive Firehose writes is the raw-event source; SQS holds nothing to redact
      // that the aggregator would count (it drops suppressed people's events).
      AwsArchiveRegulation archive =
          AwsArchiveRegulation.of(AwsEndpoints.fromEnv(env), tally.archiveUrl().get());
      raw = archive.raw();
      redactors.add(archive.redactor());
    }
    tally
        .openSearchUrl()
        .ifPresent(
            url -> {
              OpenSearch os = OpenSearch.connect(URI.create(url));
              closeables.add(os);
              after.add(new OpenSearchDeleteStep(os, IndexNames.defaults()));
            });
    return RegulationSteps.job(
        new RegulationSteps.Sources(
            stores,
            regulations,
            suppressions,
            engine.metrics(),
            engine.dedup(),
            config.shards(),
            raw,
            redactors,
            after,
            Clock.systemUTC()));
  }

  /** The aggregator the log poller feeds (what a redelivered log entry goes through). */
  AggregatorService aggregator() {
    return aggregator;
  }

  /** The suppression list (hashed ids) checked by ingest and the aggregator. */
  public SuppressionList suppressions() {
    return suppressions;
  }

  /** Regulations and their progress. */
  public Regulations regulations() {
    return regulations;
  }

  /** True once storage and the log answer. */
  public boolean healthy() {
    try {
      return engine.healthy();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Waits until the log is empty and nothing is being applied (or the timeout passes). */
  public boolean drain(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (poller.drained()) {
        return true;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  public URI baseUri() {
    return URI.create("http://" + config.host() + ":" + port());
  }

  public int port() {
    return http.port();
  }

  public String adminToken() {
    return adminToken;
  }

  /** The storage and log the stack runs on. */
  public Engine engine() {
    return engine;
  }

  public StoreRegistry stores() {
    return stores;
  }

  public int shards() {
    return config.shards();
  }

  /** Stops taking requests, lets the aggregator drain the log, then stops everything. */
  @Override
  public void close() {
    if (http != null) {
      http.stop();
    }
    if (poller != null) {
      if (!drain(Duration.ofSeconds(10))) {
        LOG.warn("log not empty at shutdown; the remaining events are counted at the next start");
      }
      poller.close();
    }
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        LOG.debug("close failed: {}", e.toString());
      }
    }
    closeables.clear();
  }

  private static String randomToken() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return "adm_" + HexFormat.of().formatHex(b);
  }
}
