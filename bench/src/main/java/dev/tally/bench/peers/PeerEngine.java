package dev.tally.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;

/** One engine under comparison: loads the workload, then answers the questions. */
public interface PeerEngine extends AutoCloseable {
  /** A short name for tables ("Tally (in-process)", "DuckDB", …). */
  String name();

  /** Loads every event of the workload; returns the nanoseconds spent in the engine's own calls. */
  long load(PeerWorkload workload) throws Exception;

  /** Bytes the loaded data takes on disk (files, or the engine's own store size). */
  long storageBytes() throws Exception;

  /** The question's answer, in {@link Answers}' canonical shape. */
  JsonNode answer(Question q) throws Exception;

  /**
   * Peak resident memory of processes outside this JVM that the engine runs (a database server), or
   * 0 when it runs inside this JVM.
   */
  default long externalPeakRssBytes() {
    return 0;
  }

  @Override
  void close() throws Exception;
}
