package dev.tally.core.regulation;

import dev.tally.core.item.ItemStore;
import dev.tally.core.store.StoreRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one list of deletion steps, in the order every engine runs them (docs/privacy.md): what an
 * engine differs in (where its raw events are, what rewrites them, OpenSearch) comes in as {@link
 * Sources}.
 */
public final class RegulationSteps {
  private RegulationSteps() {}

  /**
   * What one engine's regulation job works on.
   *
   * @param metrics the metrics items (person items, links, sketches, refused calls)
   * @param dedup ingest's message-id dedup items (the redact steps forget the people's ids)
   * @param shards the store-day write shards of the aggregates
   * @param raw where the people's raw events are read (log, archive); null when the engine keeps
   *     none: then nothing is subtracted or ledgered and no sketch is rebuilt
   * @param redactors what rewrites the raw events without the people, in order (log, archive)
   * @param after steps after the built-in ones (OpenSearch), in order
   */
  public record Sources(
      StoreRegistry stores,
      Regulations regulations,
      SuppressionList suppressions,
      ItemStore metrics,
      ItemStore dedup,
      int shards,
      RawEventSource raw,
      List<Redactor> redactors,
      List<DeletionStep> after,
      Clock clock) {
    public Sources {
      Objects.requireNonNull(stores, "stores");
      Objects.requireNonNull(regulations, "regulations");
      Objects.requireNonNull(suppressions, "suppressions");
      Objects.requireNonNull(metrics, "metrics");
      Objects.requireNonNull(dedup, "dedup");
      Objects.requireNonNull(clock, "clock");
      redactors = List.copyOf(redactors);
      after = List.copyOf(after);
      if (raw == null && !redactors.isEmpty()) {
        throw new IllegalArgumentException("redactors need the raw events they rewrite");
      }
    }
  }

  /** The deletion steps, in order. */
  public static List<DeletionStep> of(Sources s) {
    List<DeletionStep> steps = new ArrayList<>();
    if (s.raw() != null) {
      // Before anything is deleted (they need the events and marks): --subtract removes the
      // people's part of the aggregates; otherwise it is kept and recorded in the ledger.
      steps.add(SubtractStep.subtract(s.metrics(), s.raw(), s.shards()));
      steps.add(SubtractStep.keep(s.metrics(), s.raw(), s.shards()));
    }
    for (Redactor r : s.redactors()) {
      steps.add(new RedactStep(r, s.dedup(), s.regulations()));
    }
    steps.add(new PersonItemsStep(s.metrics()));
    steps.add(new RejectedCallsStep(s.metrics(), s.clock()));
    if (s.raw() != null) {
      steps.add(new SketchRebuildStep(s.metrics(), s.raw(), s.suppressions(), s.shards()));
    }
    steps.addAll(s.after());
    return steps;
  }

  /** The regulation job over these steps. */
  public static RegulationJob job(Sources s) {
    return new RegulationJob(
        s.stores(),
        s.regulations(),
        s.suppressions(),
        new LinkedIdsStep(s.metrics()),
        of(s),
        s.clock());
  }
}
