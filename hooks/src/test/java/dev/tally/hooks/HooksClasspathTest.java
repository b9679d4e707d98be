package dev.tally.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A merchant's project that depends only on {@code tally-hooks} gets this module's runtime
 * classpath. Maven resolves it at build time ({@code dependency:list}, runtime scope, transitive,
 * into {@code target/merchant-classpath.txt}); this test holds it free of any web server.
 */
class HooksClasspathTest {

  private static List<String> merchantClasspath() throws IOException {
    Path file = Path.of("target", "merchant-classpath.txt");
    assertThat(file).as("written by the merchant-classpath execution in pom.xml").exists();
    return Files.readAllLines(file).stream()
        .map(String::trim)
        .filter(line -> line.chars().filter(c -> c == ':').count() >= 3)
        .toList();
  }

  @Test
  void merchantClasspath_hasNoJavalinAndNoJetty() throws IOException {
    List<String> artifacts = merchantClasspath();

    assertThat(artifacts)
        .as("the resolution worked: the storage port and Jackson are there")
        .anyMatch(a -> a.startsWith("dev.tally:tally-core:"))
        .anyMatch(a -> a.startsWith("com.fasterxml.jackson.core:jackson-databind:"));
    assertThat(artifacts)
        .noneMatch(a -> a.startsWith("io.javalin:"))
        .noneMatch(a -> a.startsWith("org.eclipse.jetty"));
  }

  @Test
  void merchantClasspath_hasNoTestFixturesOrEngines() throws IOException {
    assertThat(merchantClasspath())
        .noneMatch(a -> a.startsWith("dev.tally:tally-testkit:"))
        .noneMatch(a -> a.startsWith("dev.tally:tally-sqlite:"))
        .noneMatch(a -> a.startsWith("dev.tally:tally-dynamodb:"))
        .noneMatch(a -> a.startsWith("software.amazon.awssdk:"));
  }
}
