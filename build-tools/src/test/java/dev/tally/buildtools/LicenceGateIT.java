package dev.tally.buildtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the licence gate in the root pom bites: builds the fixture project in {@code
 * build-tools/licence-gate-test} (which inherits the gate) to the validate phase with the repo's
 * own {@code ./mvnw}, offline. The artifacts that must be refused are written into a throw-away
 * local repository that is chained in front of the outer build's one ({@code
 * maven.repo.local.tail}, read only), so nothing is ever added to ~/.m2.
 */
class LicenceGateIT {

  private static final Path ROOT = Path.of(System.getProperty("tally.root", "..")).normalize();
  private static final Path FIXTURE = ROOT.resolve("build-tools/licence-gate-test");

  @TempDir static Path scratch;
  private static Path localRepo;

  @BeforeAll
  static void writeFixtureArtifacts() throws IOException {
    localRepo = scratch.resolve("repo");
    // A proprietary emulator's terms: no embedding, no redistribution, an account required.
    String proprietary =
        "<licenses><license><name>Example Emulator License Agreement</name>"
            + "<url>https://example.org/emulator-license</url></license></licenses>";
    writeArtifact("org.example.licencegate", "proprietary-emulator", "1.0", proprietary);
    // No <licenses> element at all.
    writeArtifact("org.example.licencegate", "unlicensed", "1.0", "");
  }

  @Test
  void passesWithOnlyLicensedDependencies() throws Exception {
    Result r = mvn();
    assertThat(r.exitCode).as(r.output).isZero();
    // The gate looked at the test scope too: the all-scopes report lists AssertJ.
    Path report = FIXTURE.resolve("target/generated-sources/license/THIRD-PARTY-all-scopes.txt");
    assertThat(Files.readString(report)).contains("org.assertj:assertj-core");
  }

  @Test
  void failsOnATestScopedDependencyUnderAProprietaryLicence() throws Exception {
    Result r = mvn("-Pproprietary");
    assertThat(r.exitCode).as(r.output).isNotZero();
    assertThat(r.output)
        .contains("Example Emulator License Agreement")
        .contains("org.example.licencegate:proprietary-emulator:1.0")
        .contains("There are some forbidden licenses used");
  }

  @Test
  void failsOnAnArtifactAddedToTheDenyListByProperty() throws Exception {
    Result r = mvn("-Dlicence.denied.extra=org.assertj:assertj-core");
    assertThat(r.exitCode).as(r.output).isNotZero();
    assertThat(r.output)
        .contains("BannedDependencies failed")
        .containsPattern("org\\.assertj:assertj-core:jar:[^ ]+ <--- banned");
  }

  @Test
  void failsOnADependencyWithoutALicence() throws Exception {
    Result r = mvn("-Punlicensed");
    assertThat(r.exitCode).as(r.output).isNotZero();
    assertThat(r.output)
        .contains("org.example.licencegate--unlicensed--1.0")
        .contains("(org.example.licencegate:unlicensed:1.0")
        .contains("There are some forbidden licenses used");
  }

  private record Result(int exitCode, String output) {}

  private static Result mvn(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ROOT.resolve("mvnw").toString());
    cmd.addAll(
        List.of(
            "-B",
            "-o",
            "-f",
            FIXTURE.resolve("pom.xml").toString(),
            "-Dmaven.repo.local=" + localRepo,
            "-Dmaven.repo.local.tail=" + System.getProperty("tally.localRepository"),
            "-Dstyle.color=never"));
    cmd.addAll(List.of(args));
    cmd.add("validate");
    Path log = Files.createTempFile(scratch, "mvn", ".log");
    Process p =
        new ProcessBuilder(cmd)
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "the fixture build did not finish in 120 s:\n" + Files.readString(log));
    }
    return new Result(p.exitValue(), Files.readString(log));
  }

  private static void writeArtifact(String group, String artifact, String version, String licenses)
      throws IOException {
    Path dir = localRepo.resolve(group.replace('.', '/')).resolve(artifact).resolve(version);
    Files.createDirectories(dir);
    String pom =
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>%s</groupId>
          <artifactId>%s</artifactId>
          <version>%s</version>
          %s
        </project>
        """
            .formatted(group, artifact, version, licenses);
    Files.writeString(dir.resolve(artifact + "-" + version + ".pom"), pom, StandardCharsets.UTF_8);
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (OutputStream out = Files.newOutputStream(dir.resolve(artifact + "-" + version + ".jar"));
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      jar.flush();
    }
  }
}
