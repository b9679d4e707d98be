package dev.tally.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.Json;
import dev.tally.core.port.InMemoryDedupStore;
import dev.tally.core.port.LogRecord;
import dev.tally.core.sim.Workload;
import dev.tally.core.store.InMemoryStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.ingest.IngestConfig;
import dev.tally.ingest.IngestMetrics;
import dev.tally.ingest.IngestService;
import dev.tally.ingest.http.IngestRoutes;
import dev.tally.sqlite.SqliteEventLog;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tally bench ingest}: throughput of {@code /v1/batch} and latency of single {@code
 * /v1/track} calls, against the real ingest HTTP server publishing to the embedded durable log
 * ({@link SqliteEventLog} in a temporary directory: a 2xx means the events are committed with
 * fsync) that nothing consumes (so the aggregator takes no CPU from ingest).
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description =
        "Measure ingest: sustained events/s through /v1/batch into the embedded durable log"
            + " (SQLite, fsync'd group commits, in a temporary directory), then p50/p99 latency of"
            + " single /v1/track calls at a fixed, open-loop request rate. A 2xx means the events"
            + " are durably in the log; after the batch phase every event is read back from the"
            + " log and counted. No aggregator consumes the log.")
public final class IngestBenchCommand implements Callable<Integer> {
  private static final String WRITE_KEY = "bench_write_key";

  @Option(
      names = "--events",
      defaultValue = "100000",
      description = "events for the batch phase (default: ${DEFAULT-VALUE})")
  int events;

  @Option(
      names = "--batch-size",
      defaultValue = "100",
      description = "events per /v1/batch request (default: ${DEFAULT-VALUE})")
  int batchSize;

  @Option(
      names = "--concurrency",
      defaultValue = "4",
      description = "concurrent batch senders (default: ${DEFAULT-VALUE})")
  int concurrency;

  @Option(
      names = "--rate",
      defaultValue = "500",
      description = "single /v1/track requests per second (default: ${DEFAULT-VALUE})")
  int rate;

  @Option(
      names = "--duration",
      defaultValue = "20",
      description = "seconds measured at that rate (default: ${DEFAULT-VALUE})")
  int durationSeconds;

  @Option(
      names = "--warmup",
      defaultValue = "5",
      description = "seconds of warm-up before each phase is measured (default: ${DEFAULT-VALUE})")
  int warmupSeconds;

  @Override
  public Integer call() throws Exception {
    System.out.printf(
        "Machine: %d cores, Java %s, %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        System.getProperty("os.name"));
    int trackCalls = rate * (warmupSeconds + durationSeconds);
    int warmupEvents = Math.min(events, 200 * batchSize);
    List<ObjectNode> generated =
        new Workload(
                System.nanoTime(),
                1_000,
                200,
                7,
                warmupEvents + events + trackCalls * 2,
                LocalDate.now(ZoneOffset.UTC))
            .generate();
    List<byte[]> batches = batches(generated.subList(0, warmupEvents + events));
    List<byte[]> tracks =
        tracks(generated.subList(warmupEvents + events, generated.size()), trackCalls);
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    // Phase 1: batch throughput, on a fresh server and log.
    long sent;
    double seconds;
    long inLog;
    HistogramSnapshot publishBatch;
    try (Server server = Server.start()) {
      int warmupBatches = warmupEvents / batchSize;
      sendBatches(http, server.base, batches.subList(0, warmupBatches), "Warm-up (batch)");
      long t0 = System.nanoTime();
      sent =
          sendBatches(
              http, server.base, batches.subList(warmupBatches, batches.size()), "Batch phase");
      seconds = (System.nanoTime() - t0) / 1e9;
      publishBatch = server.publishSnapshot();
      System.out.print("Reading the log back… ");
      inLog = server.countEventsInLog();
      System.out.println(inLog + " events (" + (warmupEvents + sent) + " sent incl. warm-up)");
    }

    // Phase 2: single-call latency, open loop, on a fresh server and log.
    long[] latencies;
    HistogramSnapshot publishTrack;
    try (Server server = Server.start()) {
      latencies = openLoop(http, server.base, tracks);
      publishTrack = server.publishSnapshot();
    }

    System.out.println();
    System.out.printf(
        "Batch:  %,d events in %,d requests of %d, %d senders: %.1f s -> %,.0f events/s (%,.0f requests/s)%n",
        sent,
        sent / batchSize,
        batchSize,
        concurrency,
        seconds,
        sent / seconds,
        sent / batchSize / seconds);
    System.out.printf(
        "        log publish per round: p50 %.1f ms, p99 %.1f ms; events in the log after run: %,d of %,d%n",
        percentile(publishBatch, 0.5), percentile(publishBatch, 0.99), inLog, warmupEvents + sent);
    System.out.printf(
        "Track:  %,d calls at %d/s open loop (%d s, after %d s warm-up): p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms, errors %d%n",
        latencies.length,
        rate,
        durationSeconds,
        warmupSeconds,
        ms(latencies, 0.5),
        ms(latencies, 0.99),
        ms(latencies, 0.999),
        latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6,
        errors.get());
    System.out.printf(
        "        log publish per call (incl. group-commit wait): p50 %.1f ms, p99 %.1f ms%n",
        percentile(publishTrack, 0.5), percentile(publishTrack, 0.99));
    return inLog == warmupEvents + sent && errors.get() == 0 ? 0 : 1;
  }

  private final AtomicInteger errors = new AtomicInteger();

  private long sendBatches(HttpClient http, URI base, List<byte[]> bodies, String task)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicLong accepted = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try (ProgressBar bar = bar(task, (long) bodies.size() * batchSize, " events")) {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < concurrency; w++) {
        workers.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement();
                      i < bodies.size();
                      i = next.getAndIncrement()) {
                    HttpResponse<String> r =
                        http.send(
                            post(base, "/v1/batch", bodies.get(i)),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                      errors.incrementAndGet();
                      System.err.println("batch refused: " + r.statusCode() + " " + r.body());
                    } else {
                      int n = Json.mapper().readTree(r.body()).path("accepted").asInt();
                      accepted.addAndGet(n);
                      bar.stepBy(n);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : workers) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return accepted.get();
  }

  /** Sends at a fixed rate whatever the answers do; latency counts from the scheduled start. */
  private long[] openLoop(HttpClient http, URI base, List<byte[]> bodies) throws Exception {
    long period = 1_000_000_000L / rate;
    int warmup = rate * warmupSeconds;
    long[] latency = new long[bodies.size()];
    List<java.util.concurrent.CompletableFuture<?>> pending = new ArrayList<>(bodies.size());
    try (ProgressBar bar = bar("Track phase (" + rate + "/s)", bodies.size(), " calls")) {
      long start = System.nanoTime() + 50_000_000L;
      for (int i = 0; i < bodies.size(); i++) {
        long due = start + i * period;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        int idx = i;
        pending.add(
            http.sendAsync(
                    post(base, "/v1/track", bodies.get(i)), HttpResponse.BodyHandlers.ofString())
                .whenComplete(
                    (r, t) -> {
                      latency[idx] = System.nanoTime() - due;
                      if (t != null || r.statusCode() != 200) {
                        errors.incrementAndGet();
                      }
                      bar.step();
                    }));
      }
      for (var f : pending) {
        f.handle((r, t) -> null).get(30, TimeUnit.SECONDS);
      }
    }
    long[] measured = Arrays.copyOfRange(latency, warmup, latency.length);
    Arrays.sort(measured);
    return measured;
  }

  private List<byte[]> batches(List<ObjectNode> events) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i + batchSize <= events.size(); i += batchSize) {
      ObjectNode body = Json.mapper().createObjectNode();
      ArrayNode arr = body.putArray("batch");
      events.subList(i, i + batchSize).forEach(arr::add);
      out.add(body.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  private static List<byte[]> tracks(List<ObjectNode> events, int n) {
    List<byte[]> out = new ArrayList<>(n);
    for (ObjectNode e : events) {
      if (out.size() == n) {
        break;
      }
      if ("track".equals(e.path("type").asText())) {
        out.add(e.toString().getBytes(StandardCharsets.UTF_8));
      }
    }
    if (out.size() < n) {
      throw new IllegalStateException("generated only " + out.size() + " track events of " + n);
    }
    return out;
  }

  private static HttpRequest post(URI base, String path, byte[] body) {
    return HttpRequest.newBuilder(base.resolve(path))
        .header(
            "Authorization",
            "Basic "
                + Base64.getEncoder()
                    .encodeToString((WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private static ProgressBar bar(String task, long max, String unit) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setStyle(ProgressBarStyle.ASCII)
        .setUnit(unit, 1)
        .showSpeed()
        .build();
  }

  private static double percentile(HistogramSnapshot s, double p) {
    if (s == null) {
      return Double.NaN;
    }
    for (ValueAtPercentile v : s.percentileValues()) {
      if (v.percentile() == p) {
        return v.value(TimeUnit.MILLISECONDS);
      }
    }
    return Double.NaN;
  }

  private static double ms(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  /** The ingest HTTP server as the local stack mounts it, on a fresh durable log, no consumer. */
  private static final class Server implements AutoCloseable {
    final Path dir;
    final SqliteEventLog log;
    final Javalin http;
    final URI base;
    final SimpleMeterRegistry meters;

    private Server(SimpleMeterRegistry meters, Path dir, SqliteEventLog log, Javalin http) {
      this.meters = meters;
      this.dir = dir;
      this.log = log;
      this.http = http;
      this.base = URI.create("http://127.0.0.1:" + http.port());
    }

    static Server start() throws IOException {
      System.out.print("Starting the ingest server on a fresh embedded log… ");
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      Path dir = Files.createTempDirectory("tally-bench-ingest-");
      SqliteEventLog log = SqliteEventLog.open(dir.resolve("log.db"));
      InMemoryStoreRegistry stores = new InMemoryStoreRegistry();
      stores.create(Store.of("bench", "UTC", "USD", List.of()), WRITE_KEY, "bench_read_key");
      // The rate limit is not what is measured here.
      IngestConfig config = IngestConfig.defaults().withRateLimit(1_000_000, 1_000_000);
      IngestService ingest =
          new IngestService(
              config,
              stores,
              InMemoryDedupStore.create(),
              log,
              Clock.systemUTC(),
              new IngestMetrics(meters));
      Javalin http =
          Javalin.create(
              c -> {
                c.jetty.host = "127.0.0.1";
                c.jetty.port = 0;
                c.http.maxRequestSize = 1024 * 1024;
                c.startup.showJavalinBanner = false;
                new IngestRoutes(ingest).register(c);
              });
      http.start();
      System.out.println("listening on port " + http.port() + ", log in " + dir);
      return new Server(meters, dir, log, http);
    }

    HistogramSnapshot publishSnapshot() {
      Timer t = meters.find("tally.ingest.publish").timer();
      return t == null ? null : t.takeSnapshot();
    }

    /** Every event in the log, read back and decoded (nothing consumed it). */
    long countEventsInLog() {
      long n = 0;
      long position = 0;
      while (true) {
        List<LogRecord> records = log.readFrom(position, 500);
        if (records.isEmpty()) {
          return n;
        }
        for (LogRecord r : records) {
          n += EventCodec.decode(r.body()).events().size();
          position = r.position() + 1;
        }
      }
    }

    @Override
    public void close() {
      http.stop();
      log.close();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary directory
      }
    }
  }
}
