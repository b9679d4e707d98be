package dev.tally.app.stack;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.AggregatorService;
import dev.tally.aggregator.dynamodb.DynamoDbMetricWriter;
import dev.tally.aggregator.sqs.SqsPoller;
import dev.tally.core.event.Json;
import dev.tally.core.port.InMemoryDedupStore;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.StoreRegistry;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.dynamodb.TableNames;
import dev.tally.dynamodb.Tables;
import dev.tally.ingest.IngestConfig;
import dev.tally.ingest.IngestMetrics;
import dev.tally.ingest.IngestService;
import dev.tally.ingest.http.IngestRoutes;
import dev.tally.ingest.log.SqsEventLog;
import dev.tally.query.MetricsReader;
import dev.tally.query.QueryConfig;
import dev.tally.query.QueryService;
import dev.tally.query.http.QueryRoutes;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
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
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole pipeline in one process: HTTP (ingest, query, admin, health, metrics) on one port,
 * ElasticMQ for the log, DynamoDB Local for metrics, and the SQS poller as aggregator. With {@code
 * AWS_ENDPOINT_URL} set, DynamoDB and SQS at that endpoint are used instead of the embedded ones.
 */
public final class EmbeddedStack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<Consumer<URI>> started = new ArrayList<>();
  private final StackConfig config;
  private DynamoDbClient ddb;
  private SqsClient sqs;
  private String queueUrl;
  private String dlqUrl;
  private TableNames tables;
  private StoreRegistry stores;
  private SqsPoller poller;
  private Javalin http;
  private String adminToken;
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
    } catch (Exception | LinkageError e) {
      s.close();
      throw new IllegalStateException("could not start the local stack: " + e, e);
    }
  }

  public static EmbeddedStack start(StackConfig config, Map<String, String> env) {
    return start(config, env, List.of());
  }

  /** What extra route modules receive: the server config and the stack's shared clients. */
  public record Context(
      JavalinConfig http,
      DynamoDbClient dynamoDb,
      Consumer<Consumer<URI>> onStarted,
      Consumer<AutoCloseable> onClose) {}

  private void boot(Map<String, String> env, List<Consumer<Context>> extraRoutes)
      throws IOException {
    tables = TableNames.fromEnv(env);
    AwsEndpoints aws = AwsEndpoints.fromEnv(env);
    if (aws.endpoint().isPresent()) {
      LOG.info("using DynamoDB and SQS at {}", aws.endpoint().get());
      ddb = aws.dynamoDb();
      sqs = aws.configure(SqsClient.builder()).httpClient(UrlConnectionHttpClient.create()).build();
    } else {
      ddb = startDynamoDb();
      LocalSqs local =
          config.inMemory() ? LocalSqs.start() : LocalSqs.startPersistent(config.dataDir());
      closeables.add(local);
      sqs =
          AwsEndpoints.local(local.endpoint)
              .configure(SqsClient.builder())
              .httpClient(UrlConnectionHttpClient.create())
              .build();
    }
    closeables.add(sqs);
    Tables.createIfMissing(ddb, tables);
    String[] queues = LocalSqs.createQueues(sqs);
    queueUrl = env.getOrDefault("TALLY_QUEUE_URL", queues[0]);
    dlqUrl = env.getOrDefault("TALLY_DLQ_URL", queues[1]);

    stores =
        new ItemStoreRegistry(DynamoDbItemStore.keyOnly(ddb, tables.stores(), Clock.systemUTC()));
    if (config.seedDemoStore()) {
      DemoStore.ensure(stores);
    }
    adminToken =
        config.adminToken().filter(t -> !t.isBlank()).orElseGet(EmbeddedStack::randomToken);

    AggregatorService aggregator =
        new AggregatorService(
            stores,
            new DynamoDbMetricWriter(
                ddb, tables.metrics(), new AggregatorConfig(config.shards(), 100, 8)));
    poller = new SqsPoller(sqs, queueUrl, dlqUrl, aggregator);
    poller.start();

    IngestService ingest =
        new IngestService(
            IngestConfig.defaults(),
            stores,
            InMemoryDedupStore.create(),
            new SqsEventLog(sqs, queueUrl),
            Clock.systemUTC(),
            new IngestMetrics(meters));
    QueryService query =
        new QueryService(
            stores,
            new MetricsReader(ddb, tables.metrics()),
            new QueryConfig(config.shards(), 50, 100));

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
              new AdminRoutes(stores, adminToken).register(c);
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
                extra.accept(new Context(c, ddb, started::add, closeables::add));
              }
            });
    http.start();
    for (Consumer<URI> s : started) {
      s.accept(baseUri());
    }
    LOG.info("Tally is listening on {}", baseUri());
  }

  private DynamoDbClient startDynamoDb() throws IOException {
    AmazonDynamoDBLocal local;
    if (config.inMemory()) {
      local = DynamoDBEmbedded.create();
    } else {
      Files.createDirectories(config.dataDir());
      // DynamoDB Local wants the database file itself, not its directory.
      File db = config.dataDir().resolve("tally-dynamodb.db").toFile();
      local = DynamoDBEmbedded.create(db, true);
    }
    closeables.add(local::shutdownNow);
    return local.dynamoDbClient();
  }

  /** True once the tables and queues exist. */
  public boolean healthy() {
    try {
      return Tables.ready(ddb, tables) && sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)) != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Waits until the queue is empty and nothing is in flight (or the timeout passes). */
  public boolean drain(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      var a =
          sqs.getQueueAttributes(
                  b ->
                      b.queueUrl(queueUrl)
                          .attributeNames(
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
              .attributes();
      if ("0".equals(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
          && "0".equals(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))) {
        return true;
      }
      try {
        Thread.sleep(50);
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

  public DynamoDbClient dynamoDb() {
    return ddb;
  }

  public SqsClient sqs() {
    return sqs;
  }

  public String queueUrl() {
    return queueUrl;
  }

  public String dlqUrl() {
    return dlqUrl;
  }

  public TableNames tables() {
    return tables;
  }

  public StoreRegistry stores() {
    return stores;
  }

  public int shards() {
    return config.shards();
  }

  /** Stops taking requests, lets the aggregator drain the queue, then stops everything. */
  @Override
  public void close() {
    if (http != null) {
      http.stop();
    }
    if (poller != null) {
      if (!drain(Duration.ofSeconds(10))) {
        LOG.warn("queue not empty at shutdown; the remaining events stay in the queue");
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
