package dev.tally.core.regulation;

import dev.tally.core.error.RetryableException;
import dev.tally.core.error.ValidationException;
import dev.tally.core.store.Store;
import dev.tally.core.store.StoreRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs regulations: resolves the linked ids, updates the suppression list (before the request is
 * answered, so nothing sent after the answer is accepted), then runs the deletion steps in order,
 * saving the state after each so that a restart resumes at the first unfinished step. When done,
 * the raw ids are replaced by hashes in the stored state.
 */
public final class RegulationJob {
  private static final System.Logger LOG = System.getLogger(RegulationJob.class.getName());
  public static final String LINKS = "resolve-linked-ids";
  public static final String SUPPRESS = "suppress";
  public static final String UNSUPPRESS = "unsuppress";
  public static final String FORGET = "forget-ids";

  private final StoreRegistry stores;
  private final Regulations regulations;
  private final SuppressionList suppressions;
  private final DeletionStep links;
  private final List<DeletionStep> deletion;
  private final Clock clock;

  /**
   * @param links the step that adds a user's linked anonymous ids to the state
   * @param deletion the deletion steps, in order
   */
  public RegulationJob(
      StoreRegistry stores,
      Regulations regulations,
      SuppressionList suppressions,
      DeletionStep links,
      List<DeletionStep> deletion,
      Clock clock) {
    this.stores = stores;
    this.regulations = regulations;
    this.suppressions = suppressions;
    this.links = links;
    this.deletion = List.copyOf(deletion);
    this.clock = clock;
  }

  /** The step names a regulation runs, in order. */
  public List<String> stepNames(Regulation r) {
    RegulationType type = r.type();
    List<String> names = new ArrayList<>();
    names.add(LINKS);
    if (type.suppresses()) {
      names.add(SUPPRESS);
    }
    if (type == RegulationType.UNSUPPRESS) {
      names.add(UNSUPPRESS);
    }
    if (type.deletes()) {
      deletion.stream().filter(s -> s.appliesTo(r)).forEach(s -> names.add(s.name()));
    }
    names.add(FORGET);
    return names;
  }

  /** A new regulation with a fresh id. */
  public Regulation newRegulation(
      String store, RegulationType type, SubjectType subjectType, List<String> ids) {
    return newRegulation(store, type, subjectType, ids, false);
  }

  /** A new regulation with a fresh id; {@code subtract} also removes them from aggregates. */
  public Regulation newRegulation(
      String store,
      RegulationType type,
      SubjectType subjectType,
      List<String> ids,
      boolean subtract) {
    return new Regulation(
        "reg_" + UUID.randomUUID().toString().replace("-", ""),
        store,
        type,
        subjectType,
        ids,
        clock.instant(),
        subtract);
  }

  /**
   * Saves the regulation and runs its first steps (linked ids and the suppression list) before
   * returning; the rest is left to {@link #run}.
   */
  public RegulationState submit(Regulation r) {
    if (stores.find(r.store()).isEmpty()) {
      throw new ValidationException("unknown_store", "store '" + r.store() + "' does not exist");
    }
    RegulationState s = RegulationState.pending(r, stepNames(r), clock.instant());
    regulations.save(s);
    return runSteps(s, true);
  }

  /** Runs whatever is left of a regulation; returns its state (empty if unknown). */
  public Optional<RegulationState> run(String id) {
    return regulations.find(id).map(s -> runSteps(s, false));
  }

  /** Resumes every unfinished regulation (at start). */
  public void resumeAll() {
    resumeCreatedBefore(Instant.MAX);
  }

  /**
   * Runs or resumes every unfinished regulation created before {@code createdBefore} (a scheduled
   * runner passes now minus the settle delay, so the aggregator's in-flight batches have finished).
   * A failure leaves that regulation for the next call and does not stop the others.
   *
   * @return how many regulations it ran
   */
  public int resumeCreatedBefore(Instant createdBefore) {
    int ran = 0;
    for (RegulationState s : regulations.unfinished()) {
      if (!s.regulation().createdAt().isBefore(createdBefore)) {
        continue;
      }
      ran++;
      try {
        runSteps(s, false);
      } catch (RetryableException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "regulation " + s.regulation().id() + " will resume later: " + e.getMessage());
      } catch (RuntimeException e) {
        // One that cannot run (its store was deleted) must not hold up the others.
        LOG.log(System.Logger.Level.ERROR, "regulation " + s.regulation().id() + " cannot run", e);
      }
    }
    return ran;
  }

  private RegulationState runSteps(RegulationState s, boolean onlyFirst) {
    if (s.status() == RegulationState.Status.DONE || s.status() == RegulationState.Status.FAILED) {
      return s;
    }
    String storeId = s.regulation().store();
    Store store =
        stores
            .find(storeId)
            .orElseThrow(
                () ->
                    new ValidationException(
                        "unknown_store", "store '" + storeId + "' does not exist"));
    Map<String, DeletionStep> byName = new java.util.HashMap<>();
    byName.put(LINKS, links);
    byName.put(SUPPRESS, suppressStep(true));
    byName.put(UNSUPPRESS, suppressStep(false));
    deletion.forEach(d -> byName.put(d.name(), d));
    s = s.withStatus(RegulationState.Status.RUNNING);
    for (RegulationState.Step step : s.steps()) {
      if (step.status() == RegulationState.Status.DONE) {
        continue;
      }
      if (onlyFirst
          && !step.name().equals(LINKS)
          && !step.name().equals(SUPPRESS)
          && !step.name().equals(UNSUPPRESS)) {
        regulations.save(s);
        return s;
      }
      if (step.name().equals(FORGET)) {
        s = s.withStep(done(FORGET, "raw ids replaced by SHA-256 hashes"));
        s = s.withStatus(RegulationState.Status.DONE).forgetIds();
        regulations.save(s);
        LOG.log(System.Logger.Level.INFO, "regulation " + s.regulation().id() + " done");
        return s;
      }
      DeletionStep d = byName.get(step.name());
      try {
        DeletionStep.Outcome out = d.run(s, store);
        s = out.state().withStep(done(step.name(), out.detail()));
      } catch (RetryableException e) {
        s =
            s.withStep(
                new RegulationState.Step(
                    step.name(),
                    RegulationState.Status.PENDING,
                    "will retry: " + e.getMessage(),
                    clock.instant()));
        regulations.save(s);
        throw e;
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.ERROR,
            "regulation " + s.regulation().id() + " failed at " + step.name(),
            e);
        s =
            s.withStep(
                    new RegulationState.Step(
                        step.name(), RegulationState.Status.FAILED, e.toString(), clock.instant()))
                .withStatus(RegulationState.Status.FAILED);
        regulations.save(s);
        return s;
      }
      regulations.save(s);
    }
    return s;
  }

  private RegulationState.Step done(String name, String detail) {
    return new RegulationState.Step(name, RegulationState.Status.DONE, detail, clock.instant());
  }

  private DeletionStep suppressStep(boolean suppress) {
    return new DeletionStep() {
      @Override
      public String name() {
        return suppress ? SUPPRESS : UNSUPPRESS;
      }

      @Override
      public Outcome run(RegulationState state, Store store) {
        if (suppress) {
          suppressions.suppress(store.id(), state.ids());
        } else {
          suppressions.unsuppress(store.id(), state.ids());
        }
        return new Outcome(
            state,
            (suppress ? "suppressed " : "unsuppressed ") + state.ids().size() + " id(s), hashed");
      }
    };
  }
}
