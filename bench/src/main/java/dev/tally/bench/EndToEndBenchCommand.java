package dev.tally.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.app.stack.DemoStore;
import dev.tally.app.stack.EmbeddedStack;
import dev.tally.app.stack.StackConfig;
import dev.tally.core.event.Json;
import dev.tally.core.sim.Workload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * {@code tally bench e2e}: the whole local pipeline in this process ({@link EmbeddedStack} on the
 * embedded engine, files in a temporary directory, fsync'd log), fed by concurrent HTTP senders of
 * {@code /v1/batch} for a fixed time; then waits until every acknowledged event can be read back
 * through the query API. Reports acknowledged events/s, end-to-end events/s, request latency,
 * aggregation lag and memory.
 */
@Command(
    name = "e2e",
    mixinStandardHelpOptions = true,
    description = {
      "End to end: starts the real local stack in this process (embedded engine, SQLite files in"
          + " a temporary directory, fsync'd log, the aggregator polling it), sends /v1/batch"
          + " requests of the standard workload from concurrent senders for a fixed time (every"
          + " event a unique messageId), then waits until every acknowledged event is counted in"
          + " the store-day counters read through the query API.",
      "Reports acknowledged events/s over the run, end-to-end events/s (acknowledged events over"
          + " the time until the last one was queryable), p50/p99 request latency, the peak"
          + " aggregation lag (acknowledged minus counted) and the peak RSS and heap."
    })
public final class EndToEndBenchCommand implements Callable<Integer> {
  @Option(names = "--senders", description = "Concurrent HTTP senders (default: ${DEFAULT-VALUE}).")
  int senders = 4;

  @Option(
      names = "--batch-size",
      description = "Events per /v1/batch request (default: ${DEFAULT-VALUE}).")
  int batchSize = 500;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description = "How long the senders send, e.g. 2m, 90s (default: 2m).")
  Duration duration = Duration.ofMinutes(2);

  @Option(
      names = "--drain-timeout",
      converter = DurationConverter.class,
      description = "How long to wait for the last events to be queryable (default: 10m).")
  Duration drainTimeout = Duration.ofMinutes(10);

  @Option(
      names = "--rate",
      description =
          "Offered events/s, paced on a fixed schedule (latency then counts from each request's"
              + " due time); 0 sends as fast as the senders can (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--target",
      description = "Acknowledged events/s to report against (default: ${DEFAULT-VALUE}).")
  int target = 20_000;

  private static final LocalDate LAST_DAY = LocalDate.now(ZoneOffset.UTC);

  /**
   * One request body of the standard workload: literal JSON pieces between which each cycle inserts
   * its suffix (after the message ids, and the visitor ids unless visitors repeat).
   */
  private record Template(List<byte[]> pieces, int events, int activity) {}

  @Option(
      names = "--same-visitors",
      description =
          "Replay the workload to the same 1,000 visitors in every cycle (only message ids change),"
              + " so their person-day items keep growing; by default each cycle has new visitors.")
  boolean sameVisitors;

  private final AtomicLong ackedEvents = new AtomicLong();
  private final AtomicLong ackedActivity = new AtomicLong();
  private final AtomicInteger errors = new AtomicInteger();
  private final List<Long> latencies = new ArrayList<>();
  private volatile long peakLag;
  private volatile long peakHeap;

  @Override
  public Integer call() throws Exception {
    System.out.printf(
        "Machine: %d cores, Java %s, %s; load average at start: %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        System.getProperty("os.name"),
        loadAverage());
    List<Template> templates = templates();
    Path dir = Files.createTempDirectory("tally-bench-e2e-");
    StackConfig config =
        StackConfig.defaults().withPort(0).withDataDir(dir).withAdminToken("bench-admin-token");
    // An empty environment: always the default (embedded) engine, whatever AWS_ENDPOINT_URL says.
    EmbeddedStack stack = EmbeddedStack.start(config, Map.of());
    int exit;
    try {
      System.out.printf(
          "Stack: %s at %s; %d senders, %d events per request, %s%n",
          stack.engine().description(), stack.baseUri(), senders, batchSize, duration);
      System.out.printf(
          "Workload: the standard workload (seed 42, 1,000 visitors, 200 products, 30 days ending"
              + " %s) in cycles of %,d events; every cycle has new message ids and %s%n",
          LAST_DAY,
          templates.size() * batchSize,
          sameVisitors ? "the same visitors" : "new visitors (ids suffixed with the cycle)");
      exit = run(stack, templates, dir);
    } finally {
      stack.close();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary directory
      }
    }
    return exit;
  }

  private int run(EmbeddedStack stack, List<Template> templates, Path dir) throws Exception {
    URI base = stack.baseUri();
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    Counter counter = new Counter(http, base);
    AtomicLong next = new AtomicLong();
    long t0 = System.nanoTime();
    long deadline = t0 + duration.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < senders; w++) {
      workers.add(pool.submit(() -> send(http, base, templates, next, t0, deadline)));
    }
    long seconds = Math.max(1, duration.toSeconds());
    long lastAckNanos;
    try (ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("e2e")
            .setInitialMax(seconds)
            .setStyle(ProgressBarStyle.ASCII)
            .setUnit(" s", 1)
            .setUpdateIntervalMillis(1_000)
            .setMaxRenderedLength(130)
            .build()) {
      while (System.nanoTime() < deadline) {
        Thread.sleep(Math.min(1_000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        long elapsed = System.nanoTime() - t0;
        long counted = counter.counted();
        long lag = ackedActivity.get() - counted;
        sample(lag);
        bar.stepTo(Math.min(seconds, elapsed / 1_000_000_000L));
        bar.setExtraMessage(
            String.format(
                " acked %,d ev, %,.0f ev/s, lag %,d",
                ackedEvents.get(), ackedEvents.get() / (elapsed / 1e9), lag));
      }
      for (Future<?> f : workers) {
        f.get();
      }
      lastAckNanos = System.nanoTime();
      bar.stepTo(seconds);
    } finally {
      pool.shutdown();
    }
    long acked = ackedEvents.get();
    long activity = ackedActivity.get();
    double sendSeconds = (lastAckNanos - t0) / 1e9;

    // Drain: until the store-day counters hold every acknowledged activity event.
    long drainDeadline = System.nanoTime() + drainTimeout.toNanos();
    long counted = counter.counted();
    try (ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("until queryable")
            .setInitialMax(activity)
            .setStyle(ProgressBarStyle.ASCII)
            .setUnit(" ev", 1)
            .setUpdateIntervalMillis(500)
            .setMaxRenderedLength(130)
            .build()) {
      while (counted < activity && System.nanoTime() < drainDeadline) {
        sample(activity - counted);
        bar.stepTo(counted);
        bar.setExtraMessage(String.format(" lag %,d", activity - counted));
        Thread.sleep(100);
        counted = counter.counted();
      }
      bar.stepTo(counted);
      bar.setExtraMessage(String.format(" lag %,d", activity - counted));
    }
    long queryableNanos = System.nanoTime();
    Cpu cpu = Cpu.now();
    boolean complete = counted == activity;
    double endToEndSeconds = (queryableNanos - t0) / 1e9;
    sample(0);

    long[] sorted;
    synchronized (latencies) {
      sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    }
    System.out.println();
    System.out.printf(
        "Sent:        %,d events (%,d counted activity: page and track) in %,d requests of %d,"
            + " %d senders, %.1f s; errors %d%n",
        acked, activity, sorted.length, batchSize, senders, sendSeconds, errors.get());
    System.out.printf(
        "Acked:       %,.0f events/s sustained over the run (target %,d: %s)%n",
        acked / sendSeconds, target, acked / sendSeconds >= target ? "met" : "NOT met");
    System.out.printf(
        "End to end:  %,.0f events/s (%,d events acked and queryable %.1f s after the start; the"
            + " last one %.1f s after the senders stopped)%s%n",
        acked / endToEndSeconds,
        acked,
        endToEndSeconds,
        (queryableNanos - lastAckNanos) / 1e9,
        complete ? "" : String.format(" — INCOMPLETE: %,d of %,d counted", counted, activity));
    if (rate > 0) {
      System.out.printf(
          "Offered:     %,d events/s on a fixed schedule (latency counts from each due time)%n",
          rate);
    }
    System.out.printf(
        "Latency:     /v1/batch p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        ms(sorted, 0.50),
        ms(sorted, 0.99),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    System.out.printf("Peak lag:    %,d events (acked activity − counted)%n", peakLag);
    System.out.printf(
        "CPU:         %.1f s in this process (%.1f µs per event; load and senders included), of"
            + " which the aggregator thread %.1f s (%.1f µs per event) and GC %.1f s%n",
        cpu.process / 1e9,
        cpu.process / 1e3 / acked,
        cpu.aggregator / 1e9,
        cpu.aggregator / 1e3 / acked,
        cpu.gcMillis / 1e3);
    System.out.printf(
        "Memory:      peak RSS %s, peak heap used %,d MB (sampled each second; max heap %,d MB)%n",
        peakRss(), peakHeap >> 20, Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf(
        "Files:       tally.db %,d MB, log.db %,d MB (with WAL)%n",
        size(dir, "tally.db") >> 20, size(dir, "log.db") >> 20);
    return complete && errors.get() == 0 ? 0 : 1;
  }

  private Void send(
      HttpClient http, URI base, List<Template> templates, AtomicLong next, long t0, long deadline)
      throws Exception {
    long interval = rate > 0 ? (long) (1e9 * batchSize / rate) : 0;
    String auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((DemoStore.WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8));
    while (System.nanoTime() < deadline) {
      long i = next.getAndIncrement();
      long due = t0 + i * interval;
      if (interval > 0) {
        if (due >= deadline) {
          return null;
        }
        for (long wait; (wait = due - System.nanoTime()) > 0; ) {
          LockSupport.parkNanos(wait);
        }
      }
      Template t = templates.get((int) (i % templates.size()));
      byte[] body = body(t, i / templates.size());
      HttpRequest req =
          HttpRequest.newBuilder(base.resolve("/v1/batch"))
              .header("Authorization", auth)
              .header("Content-Type", "application/json")
              .timeout(Duration.ofSeconds(60))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      long start = interval > 0 ? due : System.nanoTime();
      HttpResponse<String> r;
      try {
        r = http.send(req, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        if (errors.incrementAndGet() <= 5) {
          System.err.println("request failed: " + e);
        }
        continue;
      }
      long took = System.nanoTime() - start;
      if (r.statusCode() != 200) {
        if (errors.incrementAndGet() <= 5) {
          System.err.println("batch refused: " + r.statusCode() + " " + r.body());
        }
        continue;
      }
      JsonNode answer = Json.mapper().readTree(r.body());
      int accepted = answer.path("accepted").asInt();
      if (accepted != t.events() || answer.path("duplicates").asInt() != 0) {
        errors.incrementAndGet();
        System.err.println("unexpected answer: " + r.body());
      }
      ackedEvents.addAndGet(accepted);
      ackedActivity.addAndGet(t.activity());
      synchronized (latencies) {
        latencies.add(took);
      }
    }
    return null;
  }

  /** The batch body of {@code t} with the ids of cycle {@code cycle}. */
  private static byte[] body(Template t, long cycle) {
    byte[] suffix = (".c" + cycle).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(t.events() * 512);
    List<byte[]> pieces = t.pieces();
    out.writeBytes(pieces.get(0));
    for (int i = 1; i < pieces.size(); i++) {
      out.writeBytes(suffix);
      out.writeBytes(pieces.get(i));
    }
    return out.toByteArray();
  }

  /**
   * The standard workload ending today, cut into request templates: each event serialized once,
   * with a mark where a cycle's suffix goes (a character no generated id contains).
   */
  private List<Template> templates() {
    List<ObjectNode> events = Workload.standard(LAST_DAY).generate();
    List<Template> out = new ArrayList<>();
    for (int from = 0; from + batchSize <= events.size(); from += batchSize) {
      StringBuilder json = new StringBuilder("{\"batch\":[");
      int activity = 0;
      for (ObjectNode e : events.subList(from, from + batchSize)) {
        String type = e.path("type").asText();
        if (type.equals("track") || type.equals("page")) {
          activity++;
        }
        ObjectNode copy = e.deepCopy();
        List<String> ids = sameVisitors ? List.of("messageId") : VARYING_IDS;
        for (String field : ids) {
          if (copy.hasNonNull(field)) {
            copy.put(field, copy.get(field).asText() + MARK);
          }
        }
        if (json.charAt(json.length() - 1) != '[') {
          json.append(',');
        }
        json.append(copy);
      }
      json.append("]}");
      List<byte[]> pieces = new ArrayList<>();
      for (String piece : json.toString().split(java.util.regex.Pattern.quote(ESCAPED_MARK), -1)) {
        pieces.add(piece.getBytes(StandardCharsets.UTF_8));
      }
      out.add(new Template(pieces, batchSize, activity));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--batch-size is larger than the standard workload");
    }
    return out;
  }

  /** The ids that change from cycle to cycle, unless --same-visitors. */
  private static final List<String> VARYING_IDS = List.of("messageId", "anonymousId", "userId");

  /** Where a cycle's suffix goes, and how JSON writes it. */
  private static final String MARK = "\u0001";

  private static final String ESCAPED_MARK = "\\u0001";

  /** Reads the store-day {@code events} counters of the workload's days through the query API. */
  private static final class Counter {
    private final HttpClient http;
    private final HttpRequest request;

    Counter(HttpClient http, URI base) {
      this.http = http;
      this.request =
          HttpRequest.newBuilder(
                  base.resolve(
                      "/api/v1/timeseries?metric=events&interval=month&from="
                          + LAST_DAY.minusDays(31)
                          + "&to="
                          + LAST_DAY.plusDays(1)))
              .header("Authorization", "Bearer " + DemoStore.READ_KEY)
              .timeout(Duration.ofSeconds(30))
              .GET()
              .build();
    }

    long counted() throws IOException, InterruptedException {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("query API answered " + r.statusCode() + ": " + r.body());
      }
      long n = 0;
      for (JsonNode p : Json.mapper().readTree(r.body()).path("points")) {
        n += p.path("value").asLong();
      }
      return n;
    }
  }

  /** CPU time used so far: the process, the aggregator's poller thread, and GC (wall millis). */
  private record Cpu(long process, long aggregator, long gcMillis) {
    static Cpu now() {
      long process =
          ManagementFactory.getOperatingSystemMXBean()
                  instanceof com.sun.management.OperatingSystemMXBean os
              ? os.getProcessCpuTime()
              : -1;
      long aggregator = -1;
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().equals("tally-log-poller")) {
          aggregator = ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId());
        }
      }
      long gc = 0;
      for (var b : ManagementFactory.getGarbageCollectorMXBeans()) {
        gc += Math.max(0, b.getCollectionTime());
      }
      return new Cpu(process, aggregator, gc);
    }
  }

  private void sample(long lag) {
    peakLag = Math.max(peakLag, lag);
    peakHeap =
        Math.max(peakHeap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
  }

  private static double ms(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  /** VmHWM of this process (Linux), the peak resident set size. */
  private static String peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return String.format("%,d MB", kb >> 10);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "n/a";
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private static long size(Path dir, String file) {
    long n = 0;
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      try {
        n += Files.size(dir.resolve(file + suffix));
      } catch (IOException e) {
        // absent
      }
    }
    return n;
  }

  /** Durations as {@code 2m}, {@code 90s}, {@code 1h}, a number of seconds, or ISO-8601. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase();
      if (v.startsWith("p")) {
        return Duration.parse(v.toUpperCase());
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      char unit = v.charAt(v.length() - 1);
      if (Character.isDigit(unit)) {
        return Duration.ofSeconds(Long.parseLong(v));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (unit) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new IllegalArgumentException("not a duration: " + value);
      };
    }
  }
}
