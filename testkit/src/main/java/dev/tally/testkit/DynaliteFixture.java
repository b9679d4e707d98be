package dev.tally.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * DynamoDB for integration tests: dynalite (npm, Apache-2.0) behind {@code dynalite-tx.js}, a proxy
 * that adds atomic {@code TransactWriteItems} and the TTL setting. One node process per JVM ({@link
 * #shared()}), killed by a shutdown hook; each test takes fresh, uniquely named tables from it.
 *
 * <pre>{@code
 * DynaliteFixture ddb = DynaliteFixture.shared();
 * String table = ddb.newTable(DynaliteFixture.Keys.PK_SK);   // pk (S) + sk (S), TTL on expiresAt
 * ItemStore store = new DynamoDbItemStore(ddb.client(), table, clock);
 * }</pre>
 *
 * <p>The node folder (script + {@code node_modules}, installed by this module's build with {@code
 * npm ci}) is found from, in order: the system property {@code tally.dynalite.dir}; this class's
 * location ({@code testkit/target/classes} or the testkit jar in {@code testkit/target}); a {@code
 * testkit/target/node} folder above the working directory. The node binary is {@code node} on the
 * PATH unless the system property {@code tally.node} names another.
 */
public final class DynaliteFixture implements AutoCloseable {
  /** The key schemas Tally's tables use. */
  public enum Keys {
    /** {@code pk} only: the stores and dedup tables. */
    PK,
    /** {@code pk} + {@code sk}: the metrics table. */
    PK_SK
  }

  public static final String DIR_PROPERTY = "tally.dynalite.dir";
  public static final String NODE_PROPERTY = "tally.node";
  private static final String SCRIPT = "dynalite-tx.js";
  private static final AtomicLong TABLES = new AtomicLong();
  private static final AtomicLong STARTS = new AtomicLong();
  private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
  private static DynaliteFixture shared;

  private final Process process;
  private final URI endpoint;
  private final DynamoDbClient client;

  private DynaliteFixture(Process process, URI endpoint) {
    this.process = process;
    this.endpoint = endpoint;
    this.client = newClient(endpoint);
  }

  /** The JVM's dynalite, started on first use and stopped when the JVM exits. */
  public static synchronized DynaliteFixture shared() {
    if (shared == null || !shared.process.isAlive()) {
      DynaliteFixture f = start(null);
      Runtime.getRuntime().addShutdownHook(new Thread(f::close, "dynalite-stop"));
      shared = f;
    }
    return shared;
  }

  /**
   * A dynalite of its own (close it when done), persisting to {@code dataDir} when not null: a new
   * fixture on the same folder sees the same tables, as after a restart.
   */
  public static DynaliteFixture start(Path dataDir) {
    Path dir = nodeDir();
    List<String> cmd = new ArrayList<>();
    cmd.add(System.getProperty(NODE_PROPERTY, "node"));
    cmd.add(dir.resolve(SCRIPT).toString());
    cmd.add("--port");
    cmd.add("0");
    cmd.add("--parent-watch");
    if (dataDir != null) {
      cmd.add("--path");
      cmd.add(dataDir.toAbsolutePath().toString());
    }
    Process p;
    try {
      Path log = logFile(dir);
      p =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      if (first == null || !first.trim().matches("\\d+")) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "dynalite did not start (first line: " + first + "); see " + log);
      }
      Thread drain =
          new Thread(
              () -> {
                try {
                  while (out.readLine() != null) {
                    // dynalite prints nothing more; keep the pipe empty anyway
                  }
                } catch (IOException ignored) {
                  // the process ended
                }
              },
              "dynalite-stdout");
      drain.setDaemon(true);
      drain.start();
      return new DynaliteFixture(p, URI.create("http://127.0.0.1:" + first.trim()));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + cmd, e);
    }
  }

  /** Where the emulator listens (for {@code AWS_ENDPOINT_URL}). */
  public URI endpoint() {
    return endpoint;
  }

  /** A client on the emulator (dummy credentials, us-east-1); shared, do not close it. */
  public DynamoDbClient client() {
    return client;
  }

  /** A new client on the emulator, for tests that wrap or close their own. */
  public DynamoDbClient newClient() {
    return newClient(endpoint);
  }

  /** A new client on the emulator with SDK interceptors (request counters, fault injection). */
  public DynamoDbClient newClient(ExecutionInterceptor... interceptors) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("tally", "tally")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(
            c -> {
              for (ExecutionInterceptor i : interceptors) {
                c.addExecutionInterceptor(i);
              }
            })
        .build();
  }

  /** A prefix no other test in any JVM of this run has used, e.g. for a set of table names. */
  public String uniquePrefix() {
    return "t" + RUN + "-" + TABLES.incrementAndGet() + "-";
  }

  /** Creates a new, empty, uniquely named table (TTL on {@code expiresAt}); returns its name. */
  public String newTable(Keys keys) {
    return createTable(uniquePrefix() + (keys == Keys.PK ? "kv" : "items"), keys);
  }

  /** Creates {@code name} with the given key schema and TTL on {@code expiresAt}, and waits. */
  public String createTable(String name, Keys keys) {
    List<KeySchemaElement> schema = new ArrayList<>();
    List<AttributeDefinition> attrs = new ArrayList<>();
    schema.add(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build());
    attrs.add(stringAttr("pk"));
    if (keys == Keys.PK_SK) {
      schema.add(KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build());
      attrs.add(stringAttr("sk"));
    }
    client.createTable(
        b ->
            b.tableName(name)
                .keySchema(schema)
                .attributeDefinitions(attrs)
                .billingMode(BillingMode.PAY_PER_REQUEST));
    client.waiter().waitUntilTableExists(b -> b.tableName(name));
    client.updateTimeToLive(
        b ->
            b.tableName(name)
                .timeToLiveSpecification(s -> s.enabled(true).attributeName("expiresAt")));
    return name;
  }

  /** Stops the node process (the shared one stops by itself when the JVM exits). */
  @Override
  public void close() {
    client.close();
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static DynamoDbClient newClient(URI endpoint) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("tally", "tally")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  private static AttributeDefinition stringAttr(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }

  /** {@code target/dynalite-logs/dynalite-<pid>-<n>.log} beside the node folder, else in tmp. */
  private static Path logFile(Path nodeDir) throws IOException {
    String name = "dynalite-" + ProcessHandle.current().pid() + "-" + STARTS.incrementAndGet();
    try {
      Path logs =
          Files.createDirectories(nodeDir.toAbsolutePath().getParent().resolve("dynalite-logs"));
      return Files.createFile(logs.resolve(name + ".log"));
    } catch (IOException | RuntimeException e) {
      return Files.createTempFile(name + "-", ".log");
    }
  }

  /** The folder with {@code dynalite-tx.js} and its {@code node_modules}. */
  static Path nodeDir() {
    List<Path> tried = new ArrayList<>();
    String prop = System.getProperty(DIR_PROPERTY);
    if (prop != null && !prop.isBlank()) {
      tried.add(Paths.get(prop));
    }
    try {
      Path here =
          Paths.get(
              DynaliteFixture.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // testkit/target/classes or testkit/target/tally-testkit-*.jar: both sit in target/
      tried.add(here.getParent().resolve("node"));
      // A copy of the jar elsewhere in the checkout (the bench's lib/): the checkout's testkit.
      for (Path d = here.getParent(); d != null; d = d.getParent()) {
        tried.add(d.resolve("testkit").resolve("target").resolve("node"));
      }
    } catch (URISyntaxException | RuntimeException e) {
      // no usable code source (unusual class loader): try the working directory
    }
    for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
      tried.add(d.resolve("testkit").resolve("target").resolve("node"));
    }
    for (Path p : tried) {
      if (Files.isRegularFile(p.resolve(SCRIPT))
          && Files.isDirectory(p.resolve("node_modules").resolve("dynalite"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "dynalite is not installed; build the testkit module first (./mvnw -pl testkit -am"
            + " package runs npm ci into testkit/target/node). Looked in "
            + tried);
  }
}
