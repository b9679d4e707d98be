package dev.tally.app.cli;

import dev.tally.core.error.TallyException;
import dev.tally.opensearch.index.IndexNames;
import dev.tally.opensearch.index.OpenSearch;
import dev.tally.opensearch.verify.ApiFigures;
import dev.tally.opensearch.verify.EngineFigures;
import dev.tally.opensearch.verify.OpenSearchFigures;
import dev.tally.opensearch.verify.TallyFigures;
import dev.tally.opensearch.verify.Verify;
import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tally verify}: proves the OpenSearch copy equals the dashboards. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Compare OpenSearch's aggregations of the replayed events with Tally's own figures for a"
          + " store and a range of store-local days: counts per event type and day, revenue and"
          + " refunds, distinct devices per funnel step and day, top products (all exact), and"
          + " distinct devices over the whole range (Tally keeps a sketch there: ±2%%).",
      "Prints a table of differences. Exit code 0: equal; 1: different; 2: could not compare.",
      "Tally's figures come from the embedded engine at --data (also while `tally up` runs on"
          + " it), or from a running query API with --api and --read-key (and --admin-token, so"
          + " that deleted people's kept aggregates are taken out as with --data)."
    },
    sortOptions = false)
public final class VerifyCommand implements Callable<Integer> {
  @Option(names = "--url", required = true, description = "OpenSearch, e.g. http://127.0.0.1:9200")
  URI url;

  @Option(names = "--store", required = true, description = "the store id")
  String store;

  @Option(names = "--from", required = true, description = "first store-local day, YYYY-MM-DD")
  LocalDate from;

  @Option(names = "--to", required = true, description = "last store-local day, YYYY-MM-DD")
  LocalDate to;

  static final class Api {
    @Option(
        names = "--api",
        required = true,
        description = "Tally's base URL, e.g. http://127.0.0.1:8080")
    URI api;

    @Option(names = "--read-key", required = true, description = "the store's read key")
    String readKey;

    @Option(
        names = "--admin-token",
        description =
            "admin token (default: $TALLY_ADMIN_TOKEN): with it, what deleted people still count"
                + " in Tally's aggregates (the regulation ledger) is taken out before comparing,"
                + " as with --data; without it, their events show as differences")
    String adminToken;

    String token() {
      String t = adminToken != null ? adminToken : System.getenv("TALLY_ADMIN_TOKEN");
      return t == null || t.isBlank() ? null : t;
    }
  }

  static final class Source {
    @Option(names = "--data", description = "Tally's data directory (default: data)")
    Path data;

    @ArgGroup(exclusive = false)
    Api api;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Source source = new Source();

  @Option(
      names = "--index-prefix",
      description = "index and alias prefix (default: ${DEFAULT-VALUE})",
      defaultValue = IndexNames.DEFAULT_PREFIX)
  String prefix;

  @Option(
      names = "--top",
      description =
          "products compared: the top N by views, adds, units and revenue on either side (default: ${DEFAULT-VALUE}, at most 100 with --api)",
      defaultValue = "20")
  int top;

  @Option(names = "--shards", hidden = true, defaultValue = "4")
  int shards;

  @Override
  public Integer call() {
    if (from.isAfter(to)) {
      System.err.println("--from " + from + " is after --to " + to);
      return 2;
    }
    Optional<LocalData> local = Optional.empty();
    try (OpenSearch os = OpenSearch.connect(url)) {
      TallyFigures tally;
      if (source.api != null) {
        tally = ApiFigures.create(source.api.api, source.api.readKey, source.api.token());
      } else {
        Path data = source.data != null ? source.data : Path.of("data");
        local = LocalData.open(data);
        if (local.isEmpty()) {
          System.err.println(
              "no Tally data in " + data + " (use --data DIR, or --api URL --read-key KEY)");
          return 2;
        }
        tally =
            new EngineFigures(
                local.get().stores(), local.get().metrics(), shards, "embedded engine in " + data);
      }
      Verify.Report report =
          Verify.run(
              tally,
              new OpenSearchFigures(os, new IndexNames(prefix)),
              os.describe(),
              store,
              from,
              to,
              top);
      System.out.print(Verify.format(report));
      return report.equal() ? 0 : 1;
    } catch (TallyException | IllegalArgumentException e) {
      System.err.println("tally verify: " + e.getMessage());
      return 2;
    } finally {
      local.ifPresent(LocalData::close);
    }
  }
}
