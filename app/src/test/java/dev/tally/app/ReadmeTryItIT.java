package dev.tally.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Try it by hand" commands, run as a user pastes them into a shell: in order, from
 * the repository root, through the real {@code ./tally} launcher. Only the port is changed (to a
 * free one), so the test does not depend on 8080 being free on the machine.
 */
class ReadmeTryItIT {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void tryItByHand_runsPastedInOrder_andReadsTheEventBack(@TempDir Path tmp) throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    Matcher m =
        Pattern.compile("## Try it by hand\\s+```sh\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(m.find()).as("README has a 'Try it by hand' sh block").isTrue();
    String block = m.group(1);
    assertThat(block).contains("./tally up", "/v1/track", "/metrics", "8080");
    int port = TallyProcess.freePort();
    String script =
        block
            .replace("./tally up --in-memory", "./tally up --in-memory --port " + port)
            .replace("127.0.0.1:8080", "127.0.0.1:" + port);
    Path log = tmp.resolve("out.log");
    Process shell =
        new ProcessBuilder("bash", "-e", "-c", script)
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean done = shell.waitFor(600, TimeUnit.SECONDS);
    String out = Files.readString(log);
    if (!done) {
      shell.descendants().forEach(ProcessHandle::destroyForcibly);
      shell.destroyForcibly();
    }
    assertThat(done).as("finished: %s", out).isTrue();
    assertThat(shell.exitValue()).as(out).isZero();
    // The track call's answer, then the read: one product view for u1 today.
    assertThat(out).contains("\"success\":true").contains("\"productViews\":1");
    // `kill %1` stops Tally: the port is released.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    boolean listening = true;
    while (listening && System.nanoTime() < deadline) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        Thread.sleep(200);
      } catch (java.io.IOException e) {
        listening = false;
      }
    }
    assertThat(listening).as("tally up still listening after kill %%1").isFalse();
  }
}
