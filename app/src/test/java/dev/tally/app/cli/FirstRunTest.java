package dev.tally.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What a new user meets first: a taken port is one clear line, and help names the options. */
class FirstRunTest {

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cli = TallyCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void upOnATakenPort_saysSoInOneLine_namingThePortAndTheFlag() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(0));
      int port = taken.getLocalPort();
      for (String command : new String[] {"up", "demo"}) {
        Run r = run(command, "--in-memory", "--port", String.valueOf(port));
        assertThat(r.code()).as(command).isEqualTo(2);
        assertThat(r.err().strip().lines()).as(command).hasSize(1);
        assertThat(r.err())
            .contains("Port " + port + " is already in use")
            .contains("--port")
            .doesNotContain("Exception")
            .doesNotContain("\tat ");
      }
    }
  }

  @Test
  void demoHelp_namesTheHistoryOptions_andNoWait() {
    Run r = run("demo", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("--days").contains("--visits").contains("--no-wait");
  }

  @Test
  void demo_refusesANonsenseRange_beforeStartingAnything() {
    Run r = run("demo", "--in-memory", "--port", "0", "--days", "0");
    assertThat(r.code()).isEqualTo(2);
  }
}
