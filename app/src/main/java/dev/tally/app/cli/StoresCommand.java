package dev.tally.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.config.TallyConfig;
import dev.tally.core.event.Json;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tally stores}: manage stores on a running stack through the admin API. */
@Command(
    name = "stores",
    mixinStandardHelpOptions = true,
    description = "Manage stores on a running Tally.",
    subcommands = {StoresCommand.Add.class})
public final class StoresCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code tally stores add ID}: creates a store and prints its keys once. */
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Create a store and print its keys (shown only once).")
  public static final class Add implements Callable<Integer> {
    @Parameters(index = "0", description = "store id: lower-case letters, digits, '-' or '_'")
    String id;

    @Option(
        names = "--timezone",
        defaultValue = "UTC",
        description = "IANA time zone of the store's days (default: ${DEFAULT-VALUE})")
    String timezone;

    @Option(
        names = "--currency",
        defaultValue = "USD",
        description = "ISO 4217 currency (default: ${DEFAULT-VALUE})")
    String currency;

    @Option(names = "--origin", description = "browser origin allowed to send events (repeatable)")
    List<String> origins = List.of();

    @Option(
        names = "--url",
        defaultValue = "http://127.0.0.1:8080",
        description = "the running Tally (default: ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--admin-token", description = "admin token (default: $TALLY_ADMIN_TOKEN)")
    String adminToken;

    @Option(names = "--json", description = "print the answer as JSON")
    boolean json;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      String token =
          adminToken != null
              ? adminToken
              : TallyConfig.fromEnv(System.getenv()).adminToken().orElse(null);
      if (token == null || token.isBlank()) {
        spec.commandLine()
            .getErr()
            .println(
                "An admin token is needed: pass --admin-token or set TALLY_ADMIN_TOKEN (printed by 'tally up').");
        return 2;
      }
      ObjectNode body = Json.mapper().createObjectNode();
      body.put("id", id);
      body.put("timezone", timezone);
      body.put("currency", currency);
      body.putArray("allowedOrigins").addAll(origins.stream().map(o -> body.textNode(o)).toList());
      HttpResponse<String> r;
      try {
        r =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(url.resolve("/admin/v1/stores"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException e) {
        spec.commandLine()
            .getErr()
            .println("Cannot reach Tally at " + url + ": is 'tally up' running?");
        return 1;
      }
      JsonNode answer = Json.mapper().readTree(r.body());
      if (r.statusCode() != 201) {
        spec.commandLine()
            .getErr()
            .println(
                "Could not create store '" + id + "': " + answer.path("message").asText(r.body()));
        return 1;
      }
      if (json) {
        System.out.println(answer.toPrettyString());
      } else {
        System.out.println(
            "Created store "
                + answer.path("id").asText()
                + " ("
                + answer.path("timezone").asText()
                + ", "
                + answer.path("currency").asText()
                + ")");
        System.out.println("  write key  " + answer.path("writeKey").asText());
        System.out.println("  read key   " + answer.path("readKey").asText());
        System.out.println(
            "Keep these now: Tally stores only their hashes and cannot show them again.");
      }
      return 0;
    }
  }
}
