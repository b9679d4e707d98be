package dev.tally.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code tally bench}: listed here so that {@code tally --help} shows it, but the benchmarks live
 * in their own module and jar ({@code bench/target/tally-bench.jar}, with DuckDB and PostgreSQL
 * beside it), which the {@code ./tally} launcher runs for {@code ./tally bench …}.
 */
@Command(
    name = "bench",
    description =
        "Run a benchmark on this machine (ingest, aggregate, query, e2e, replay, peers; see"
            + " BENCHMARKS.md). Runs from the bench jar: use ./tally bench …")
public final class BenchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println(
        "The benchmarks are in their own jar: run ./tally bench … (it builds"
            + " bench/target/tally-bench.jar on first use).");
    return 2;
  }
}
