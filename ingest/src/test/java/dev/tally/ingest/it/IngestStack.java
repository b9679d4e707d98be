package dev.tally.ingest.it;

import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.Json;
import dev.tally.core.event.LogEntry;
import dev.tally.core.item.ItemStore;
import dev.tally.core.port.DedupStore;
import dev.tally.core.port.EventLog;
import dev.tally.core.port.ItemDedupStore;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.ingest.IngestConfig;
import dev.tally.ingest.IngestMetrics;
import dev.tally.ingest.IngestService;
import dev.tally.ingest.http.IngestRoutes;
import dev.tally.ingest.log.SqsEventLog;
import dev.tally.sqlite.SqliteDatabase;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Real engines for ingest ITs: the embedded SQLite engine (stores, dedup) and ElasticMQ, plus the
 * ingest HTTP server exactly as the local stack mounts it. No aggregator consumes the queues, so
 * tests read what ingest published.
 */
final class IngestStack implements AutoCloseable {
  static final String STORE = "shop";
  static final String WRITE_KEY = "wk_shop_test";
  static final String BROWSER_STORE = "browser-shop";
  static final String BROWSER_WRITE_KEY = "wk_browser_test";
  static final String ALLOWED_ORIGIN = "https://shop.example";

  final SqliteDatabase db;
  final ItemStore dedupItems;
  final ItemStoreRegistry stores;
  final SQSRestServer sqsServer;
  final SqsClient sqs;

  IngestStack() {
    db = SqliteDatabase.openInMemory();
    dedupItems = db.table("dedup");
    stores = new ItemStoreRegistry(db.table("stores"));
    stores.create(Store.of(STORE, "UTC", "USD", List.of()), WRITE_KEY, "rk_shop_test");
    stores.create(
        Store.of(BROWSER_STORE, "Europe/Berlin", "EUR", List.of(ALLOWED_ORIGIN)),
        BROWSER_WRITE_KEY,
        "rk_browser_test");
    sqsServer = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    int port = sqsServer.waitUntilStarted().localAddress().getPort();
    sqs =
        AwsEndpoints.local(URI.create("http://127.0.0.1:" + port))
            .configure(SqsClient.builder())
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  /** A fresh queue, so every test sees only its own messages. */
  String newQueue() {
    String name = "ingest-it-" + UUID.randomUUID().toString().substring(0, 8);
    return sqs.createQueue(b -> b.queueName(name)).queueUrl();
  }

  DedupStore dedup() {
    return new ItemDedupStore(dedupItems, Duration.ofHours(24), Clock.systemUTC());
  }

  Server serve(String queueUrl) {
    return serve(IngestConfig.defaults(), new SqsEventLog(sqs, queueUrl), IngestMetrics.noop());
  }

  Server serve(IngestConfig config, EventLog log, IngestMetrics metrics) {
    IngestService service =
        new IngestService(config, stores, dedup(), log, Clock.systemUTC(), metrics);
    Javalin http =
        Javalin.create(
            c -> {
              c.jsonMapper(new JavalinJackson(Json.mapper(), false));
              c.jetty.host = "127.0.0.1";
              c.jetty.port = 0;
              c.http.maxRequestSize = 1024 * 1024;
              c.startup.showJavalinBanner = false;
              new IngestRoutes(service).register(c);
            });
    http.start();
    return new Server(http, URI.create("http://127.0.0.1:" + http.port()));
  }

  /** A running ingest server. */
  record Server(Javalin http, URI base) implements AutoCloseable {
    @Override
    public void close() {
      http.stop();
    }
  }

  /** Every event now on the queue, decoded with the log's codec (messages are deleted). */
  List<Event> drain(String queueUrl) {
    List<Event> out = new ArrayList<>();
    for (LogEntry e : drainEntries(queueUrl)) {
      out.addAll(e.events());
    }
    return out;
  }

  List<LogEntry> drainEntries(String queueUrl) {
    List<LogEntry> out = new ArrayList<>();
    int emptyPolls = 0;
    while (emptyPolls < 2) {
      List<Message> msgs =
          sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages();
      if (msgs.isEmpty()) {
        emptyPolls++;
        continue;
      }
      for (Message m : msgs) {
        out.add(EventCodec.decode(m.body()));
        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
      }
    }
    return out;
  }

  /** True when dedup holds this message id as published (a pin alone does not count). */
  boolean dedupRecorded(String storeId, String messageId) {
    return dedup().seen(storeId, List.of(messageId)).contains(messageId);
  }

  @Override
  public void close() {
    sqs.close();
    sqsServer.stopAndWait();
    db.close();
  }
}
