package dev.tally.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.opensearch.index.IndexNames;
import dev.tally.opensearch.index.OpenSearch;
import dev.tally.opensearch.replay.Replay;
import dev.tally.opensearch.replay.ReplayConfig;
import dev.tally.opensearch.replay.ReplaySummary;
import dev.tally.testkit.OpenSearchServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay killed with SIGKILL midway (a process of its own) and started again with the same
 * arguments skips the files it had finished, reads the rest, and ends with exactly one document per
 * accepted event.
 */
@ExtendWith(OpenSearchServer.class)
class ResumeIT {
  @TempDir Path work;

  @Test
  void killedMidway_thenResumed_sameCountAsAcceptedEvents() throws Exception {
    SeededTally seeded = SeededTally.get();
    IndexNames names = new IndexNames("resume");
    String url = OpenSearchServer.url().toString();
    String bulk = Integer.toString(48 * 1024);
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    ReplayMain.class.getName(),
                    seeded.tally.archiveDir().toString(),
                    url,
                    names.prefix(),
                    work.toString(),
                    bulk,
                    "s1=Europe/Berlin:EUR",
                    "s2=America/New_York:USD"))
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("killed.log").toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int doneAtKill = 0;
    while (System.nanoTime() < deadline && p.isAlive()) {
      doneAtKill = doneFiles();
      if (doneAtKill >= 3) {
        break;
      }
      Thread.sleep(5);
    }
    assertThat(p.isAlive())
        .as("still replaying when killed: " + Files.readString(work.resolve("killed.log")))
        .isTrue();
    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    try (OpenSearch os = OpenSearch.connect(OpenSearchServer.url())) {
      os.refresh(names.pattern());
      long partial = os.count(names.pattern());
      assertThat(partial).isPositive().isLessThan(seeded.accepted());

      ReplaySummary resumed =
          new Replay(
                  seeded.tally.archive(),
                  os,
                  seeded.tally::store,
                  ReplayConfig.defaults(work).withNames(names),
                  new Replay.Listener() {})
              .run(url);
      System.out.println(
          "killed after "
              + doneAtKill
              + " files, "
              + partial
              + " documents; resumed: "
              + resumed.describe());
      os.refresh(names.pattern());
      assertThat(resumed.filesSkipped()).isGreaterThanOrEqualTo(doneAtKill);
      assertThat(resumed.eventsRead()).isLessThan(seeded.accepted());
      assertThat(os.count(names.pattern())).isEqualTo(seeded.accepted());
      assertThat(os.count(names.storeAlias("s1"))).isEqualTo(seeded.s1.size());
    }
  }

  private int doneFiles() {
    try (Stream<Path> files = Files.list(work)) {
      Path state =
          files
              .filter(f -> f.getFileName().toString().matches("replay-[0-9a-f]+\\.json"))
              .findFirst()
              .orElse(null);
      if (state == null) {
        return 0;
      }
      return dev.tally.core.event.Json.mapper()
          .readTree(Files.readAllBytes(state))
          .path("done")
          .size();
    } catch (Exception e) {
      return 0; // being replaced right now
    }
  }
}
