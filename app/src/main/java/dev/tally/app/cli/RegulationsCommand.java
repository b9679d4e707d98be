package dev.tally.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tally regulations}: suppress or delete people on a running stack (admin API). */
@Command(
    name = "regulations",
    mixinStandardHelpOptions = true,
    description = {
      "Suppress or delete people (GDPR / CCPA) on a running Tally, through"
          + " POST/GET /admin/v1/regulations. See docs/privacy.md for what is deleted and kept."
    },
    subcommands = {RegulationsCommand.Create.class, RegulationsCommand.Show.class})
public final class RegulationsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Where the stack is and the admin token. */
  static final class Admin {
    @Option(
        names = "--url",
        defaultValue = "http://127.0.0.1:8080",
        description = "the running Tally (default: ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--admin-token", description = "admin token (default: $TALLY_ADMIN_TOKEN)")
    String adminToken;

    String token() {
      String t = adminToken != null ? adminToken : System.getenv("TALLY_ADMIN_TOKEN");
      if (t == null || t.isBlank()) {
        throw new IllegalArgumentException(
            "an admin token is needed: pass --admin-token or set TALLY_ADMIN_TOKEN (printed by"
                + " 'tally up')");
      }
      return t;
    }

    HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
      try {
        return HttpClient.newHttpClient()
            .send(
                b.header("Authorization", "Bearer " + token()).build(),
                HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException e) {
        throw new IllegalArgumentException(
            "cannot reach Tally at " + url + ": is 'tally up' running?");
      }
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Create a regulation, e.g. `tally regulations create --store demo --type"
            + " SUPPRESS_WITH_DELETE --user u1`. Suppression takes effect before this returns;"
            + " with --wait it follows the deletion's steps until it is done."
      })
  static final class Create implements Callable<Integer> {
    @CommandLine.Mixin Admin admin;

    @Option(names = "--store", required = true, description = "store id")
    String store;

    @Option(
        names = "--type",
        defaultValue = "SUPPRESS_WITH_DELETE",
        description =
            "SUPPRESS, SUPPRESS_WITH_DELETE, DELETE_ONLY or UNSUPPRESS (default: ${DEFAULT-VALUE})")
    String type;

    @Option(names = "--user", description = "a user id (repeatable)")
    List<String> users = List.of();

    @Option(names = "--anonymous", description = "an anonymous id (repeatable)")
    List<String> anonymous = List.of();

    @Option(
        names = "--subtract",
        description =
            "also remove their events from store and product aggregates (kept by default: they"
                + " are aggregate, not personal, data)")
    boolean subtract;

    @Option(names = "--wait", description = "wait until it is done, with a progress bar")
    boolean await;

    @Option(names = "--json", description = "print the answer as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
      try {
        if (users.isEmpty() == anonymous.isEmpty()) {
          throw new IllegalArgumentException(
              "give user ids (--user) or anonymous ids (--anonymous), not both");
        }
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("store", store);
        body.put("regulationType", type.toUpperCase(Locale.ROOT));
        body.put("subjectType", users.isEmpty() ? "ANONYMOUS_ID" : "USER_ID");
        body.put("subtract", subtract);
        (users.isEmpty() ? anonymous : users).forEach(body.putArray("subjectIds")::add);
        HttpResponse<String> r =
            admin.send(
                HttpRequest.newBuilder(admin.url.resolve("/admin/v1/regulations"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        JsonNode answer = Json.mapper().readTree(r.body());
        if (r.statusCode() / 100 != 2) {
          System.err.println(
              "tally regulations: refused ("
                  + r.statusCode()
                  + "): "
                  + answer.path("message").asText(r.body()));
          return 1;
        }
        if (await) {
          answer = Show.follow(admin, answer.path("id").asText(), Duration.ofMinutes(10));
        }
        Show.print(answer, json);
        return answer.path("status").asText().equals("FAILED") ? 1 : 0;
      } catch (IllegalArgumentException e) {
        System.err.println("tally regulations: " + e.getMessage());
        return 2;
      }
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a regulation and the status of each of its steps.")
  static final class Show implements Callable<Integer> {
    @CommandLine.Mixin Admin admin;

    @Parameters(index = "0", description = "regulation id (reg_…)")
    String id;

    @Option(names = "--wait", description = "wait until it is done, with a progress bar")
    boolean await;

    @Option(names = "--json", description = "print the answer as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
      try {
        JsonNode s = await ? follow(admin, id, Duration.ofMinutes(10)) : get(admin, id);
        print(s, json);
        return s.path("status").asText().equals("FAILED") ? 1 : 0;
      } catch (IllegalArgumentException e) {
        System.err.println("tally regulations: " + e.getMessage());
        return 2;
      }
    }

    static JsonNode get(Admin admin, String id) throws IOException, InterruptedException {
      HttpResponse<String> r =
          admin.send(
              HttpRequest.newBuilder(admin.url.resolve("/admin/v1/regulations/" + id)).GET());
      JsonNode n = Json.mapper().readTree(r.body());
      if (r.statusCode() != 200) {
        throw new IllegalArgumentException(n.path("message").asText(r.body()));
      }
      return n;
    }

    /** Polls until done or failed, with a bar over the steps. */
    static JsonNode follow(Admin admin, String id, Duration timeout)
        throws IOException, InterruptedException {
      JsonNode s = get(admin, id);
      long deadline = System.nanoTime() + timeout.toNanos();
      try (ProgressBar bar =
          new ProgressBarBuilder()
              .setTaskName(id)
              .setInitialMax(Math.max(1, s.path("steps").size()))
              .setStyle(ProgressBarStyle.ASCII)
              .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
              .build()) {
        while (true) {
          int done = 0;
          for (JsonNode st : s.path("steps")) {
            done += st.path("status").asText().equals("DONE") ? 1 : 0;
          }
          bar.stepTo(done);
          String status = s.path("status").asText();
          if (status.equals("DONE") || status.equals("FAILED") || System.nanoTime() > deadline) {
            return s;
          }
          Thread.sleep(500);
          s = get(admin, id);
        }
      }
    }

    static void print(JsonNode s, boolean json) {
      if (json) {
        System.out.println(s.toPrettyString());
        return;
      }
      System.out.printf(
          "%s  %s  %s %s on store %s: %s%n",
          s.path("id").asText(),
          s.path("createdAt").asText(),
          s.path("regulationType").asText(),
          s.path("subjectType").asText(),
          s.path("store").asText(),
          s.path("status").asText());
      for (JsonNode st : s.path("steps")) {
        System.out.printf(
            "  %-22s %-8s %s%n",
            st.path("name").asText(), st.path("status").asText(), st.path("detail").asText());
      }
    }
  }
}
