package dev.tally.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Loads a shaded Lambda jar on a class loader of its own (nothing of the test's classpath, only the
 * JDK) and checks what CloudWatch would see from it: an SLF4J provider (logback), the root logger
 * at INFO, the AWS SDK's DEBUG lines dropped, every log line one JSON object carrying the Lambda
 * request id, and the EMF line of an invocation's metrics.
 */
public final class LambdaJarProbe {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LambdaJarProbe() {}

  /** What the jar printed while a probe invocation ran. */
  public record Output(String provider, String rootLevel, List<JsonNode> lines) {}

  /** Runs the probe in the jar and asserts everything the class comment lists. */
  public static Output verify(Path jar) throws Exception {
    assertThat(jar).as("the shaded Lambda jar (built in the package phase)").exists();
    Output out = probe(jar, "probe-request-0001");
    assertThat(out.provider()).isEqualTo("ch.qos.logback.classic.LoggerContext");
    assertThat(out.rootLevel()).isEqualTo("INFO");
    List<JsonNode> logs = out.lines().stream().filter(l -> !l.has("_aws")).toList();
    assertThat(logs).as("the INFO line, and neither the SDK's nor Tally's DEBUG lines").hasSize(1);
    JsonNode log = logs.get(0);
    assertThat(log.path("message").asText()).isEqualTo("probe info line");
    assertThat(log.path("level").asText()).isEqualTo("INFO");
    assertThat(log.path("requestId").asText()).isEqualTo("probe-request-0001");
    List<JsonNode> emf = out.lines().stream().filter(l -> l.has("_aws")).toList();
    assertThat(emf).hasSize(1);
    assertThat(emf.get(0).at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("Tally");
    assertThat(emf.get(0).path("EventsAccepted").asInt()).isEqualTo(1);
    return out;
  }

  /** Loads the jar alone, logs at INFO and DEBUG inside a request scope, records one metric. */
  public static Output probe(Path jar, String requestId) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream original = System.out;
    Thread thread = Thread.currentThread();
    ClassLoader originalLoader = thread.getContextClassLoader();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      thread.setContextClassLoader(loader);
      Class<?> loggerFactory = Class.forName("org.slf4j.LoggerFactory", true, loader);
      Object factory = loggerFactory.getMethod("getILoggerFactory").invoke(null);
      Method getLogger = loggerFactory.getMethod("getLogger", String.class);
      Object root = getLogger.invoke(null, "ROOT");
      String rootLevel = String.valueOf(root.getClass().getMethod("getLevel").invoke(root));
      Object tally = getLogger.invoke(null, "dev.tally.probe");
      Object sdk = getLogger.invoke(null, "software.amazon.awssdk.request");
      Method info = tally.getClass().getMethod("info", String.class);
      Method debug = tally.getClass().getMethod("debug", String.class);

      Class<?> emfClass = Class.forName("dev.tally.observability.EmfMetrics", true, loader);
      Object emf = emfClass.getMethod("create", String.class).invoke(null, "probe");
      Class<?> scope = Class.forName("dev.tally.observability.RequestScope", true, loader);
      Supplier<Object> invocation =
          () -> {
            try {
              info.invoke(tally, "probe info line");
              debug.invoke(tally, "probe debug line");
              debug.invoke(sdk, "Sending Request: the SDK's per-request line");
              emfClass
                  .getMethod("count", String.class, long.class)
                  .invoke(emf, "EventsAccepted", 1L);
              return null;
            } catch (ReflectiveOperationException e) {
              throw new IllegalStateException(e);
            }
          };
      scope
          .getMethod("run", String.class, emfClass, Supplier.class)
          .invoke(null, requestId, emf, invocation);
      System.out.flush();
      List<JsonNode> lines = new ArrayList<>();
      for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          lines.add(JSON.readTree(line)); // fails the test if a line is not JSON
        }
      }
      return new Output(factory.getClass().getName(), rootLevel, lines);
    } finally {
      System.setOut(original);
      thread.setContextClassLoader(originalLoader);
    }
  }

  /** {@code target/<name>} of the module under test. */
  public static Path target(String name) {
    Path p = Path.of("target", name);
    if (!Files.exists(p)) {
      throw new IllegalStateException(p.toAbsolutePath() + " is missing: run mvn package first");
    }
    return p;
  }
}
