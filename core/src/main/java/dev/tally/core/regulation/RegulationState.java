package dev.tally.core.regulation;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A regulation and how far it got. While it runs it holds the raw ids (the subjects and their
 * linked anonymous ids) so that a resumed job still knows them after the links are deleted; when it
 * is done they are replaced by their {@link SubjectHash hashes}.
 *
 * @param ids every id the job works on (raw while running, hashed once {@link Status#DONE})
 * @param days store-local days that held the people's events (their sketches are rebuilt)
 */
public record RegulationState(
    Regulation regulation, Status status, List<Step> steps, Set<String> ids, Set<LocalDate> days) {

  public enum Status {
    PENDING,
    RUNNING,
    DONE,
    FAILED
  }

  /** One step of the job: its name, status, what it did and when. */
  public record Step(String name, Status status, String detail, Instant updatedAt) {}

  public RegulationState {
    steps = List.copyOf(steps);
    ids = Set.copyOf(ids);
    days = new TreeSet<>(days);
  }

  public static RegulationState pending(Regulation r, List<String> stepNames, Instant now) {
    List<Step> steps = new ArrayList<>();
    stepNames.forEach(n -> steps.add(new Step(n, Status.PENDING, "", now)));
    return new RegulationState(r, Status.PENDING, steps, Set.copyOf(r.subjectIds()), Set.of());
  }

  public RegulationState withStep(Step step) {
    List<Step> next = new ArrayList<>(steps);
    for (int i = 0; i < next.size(); i++) {
      if (next.get(i).name().equals(step.name())) {
        next.set(i, step);
      }
    }
    return new RegulationState(regulation, status, next, ids, days);
  }

  public RegulationState withStatus(Status s) {
    return new RegulationState(regulation, s, steps, ids, days);
  }

  public RegulationState withIds(Set<String> more) {
    Set<String> all = new TreeSet<>(ids);
    all.addAll(more);
    return new RegulationState(regulation, status, steps, all, days);
  }

  public RegulationState withDays(Set<LocalDate> more) {
    Set<LocalDate> all = new TreeSet<>(days);
    all.addAll(more);
    return new RegulationState(regulation, status, steps, ids, all);
  }

  /** The same state with every raw id replaced by its hash: what is kept once the job is done. */
  public RegulationState forgetIds() {
    String store = regulation.store();
    List<String> hashedSubjects =
        regulation.subjectIds().stream().map(id -> SubjectHash.of(store, id)).toList();
    Set<String> hashedIds = new TreeSet<>();
    ids.forEach(id -> hashedIds.add(SubjectHash.of(store, id)));
    Regulation r =
        new Regulation(
            regulation.id(),
            store,
            regulation.type(),
            regulation.subjectType(),
            hashedSubjects,
            regulation.createdAt(),
            regulation.subtract());
    return new RegulationState(r, status, steps, hashedIds, days);
  }

  public Status stepStatus(String name) {
    return steps.stream()
        .filter(s -> s.name().equals(name))
        .map(Step::status)
        .findFirst()
        .orElse(Status.PENDING);
  }
}
