package dev.tally.aggregator.lambda;

import dev.tally.aggregator.AggregatorService;
import dev.tally.aggregator.Archive;
import dev.tally.aggregator.DeadLetters;
import dev.tally.aggregator.PoisonMessageException;
import dev.tally.core.event.LogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one Lambda batch of raw log records, whatever the transport: poison records go to the
 * dead letters (and count as done), the rest are applied together as one coalesced write. Any other
 * failure is transient: those records are handed back for retry, which is safe because applying is
 * exactly-once per event.
 */
public final class LogBatch {
  private static final Logger LOG = LoggerFactory.getLogger(LogBatch.class);

  /** One record as the transport delivered it. */
  public record Record(String id, byte[] body) {
    public Record {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(body, "body");
    }
  }

  private final AggregatorService service;
  private final DeadLetters deadLetters;
  private final Archive archive;

  public LogBatch(AggregatorService service, DeadLetters deadLetters) {
    this(service, deadLetters, Archive.none());
  }

  /**
   * @param archive where {@link #applyUnordered} puts each batch before it is applied and
   *     acknowledged (SQS mode); Kinesis mode needs none, since Firehose reads the stream
   */
  public LogBatch(AggregatorService service, DeadLetters deadLetters, Archive archive) {
    this.service = service;
    this.deadLetters = deadLetters;
    this.archive = archive;
  }

  /**
   * For unordered logs (SQS): the ids of the records to retry; the others are done. Every record
   * that decodes is archived first; one the archive did not take is retried, not applied, so no
   * batch is acknowledged before its events are in the archive.
   */
  public List<String> applyUnordered(List<Record> records) {
    List<String> retry = new ArrayList<>();
    List<Record> good = new ArrayList<>();
    List<LogEntry> decodedEntries = new ArrayList<>();
    for (Record r : records) {
      Optional<LogEntry> e = decode(r);
      if (e == null) {
        retry.add(r.id());
      } else if (e.isPresent()) {
        good.add(r);
        decodedEntries.add(e.get());
      }
    }
    java.util.Set<String> notArchived = archive(good);
    retry.addAll(notArchived);
    List<LogEntry> entries = new ArrayList<>();
    List<String> decoded = new ArrayList<>();
    for (int i = 0; i < good.size(); i++) {
      if (!notArchived.contains(good.get(i).id())) {
        entries.add(decodedEntries.get(i));
        decoded.add(good.get(i).id());
      }
    }
    if (!apply(entries)) {
      retry.addAll(decoded);
    }
    return retry;
  }

  /**
   * For ordered logs (one Kinesis shard): the id of the first record to retry, if any. Records
   * after it are not applied; the transport redelivers them from that record on.
   */
  public Optional<String> applyOrdered(List<Record> records) {
    List<LogEntry> entries = new ArrayList<>();
    String firstApplied = null;
    String stoppedAt = null;
    for (Record r : records) {
      Optional<LogEntry> e = decode(r);
      if (e == null) {
        stoppedAt = r.id();
        break;
      }
      if (e.isPresent()) {
        entries.add(e.get());
        firstApplied = firstApplied == null ? r.id() : firstApplied;
      }
    }
    if (!apply(entries)) {
      return Optional.of(firstApplied);
    }
    return Optional.ofNullable(stoppedAt);
  }

  /** The ids of the records the archive did not take (all of them when it failed as a whole). */
  private java.util.Set<String> archive(List<Record> records) {
    if (records.isEmpty()) {
      return java.util.Set.of();
    }
    try {
      java.util.Set<String> failed =
          new java.util.HashSet<>(
              archive.put(records.stream().map(r -> new Archive.Item(r.id(), r.body())).toList()));
      if (!failed.isEmpty()) {
        LOG.warn("{} of {} records not archived, will retry them", failed.size(), records.size());
      }
      return failed;
    } catch (RuntimeException e) {
      LOG.warn("archiving {} records failed, will retry them: {}", records.size(), e.toString());
      return new java.util.HashSet<>(records.stream().map(Record::id).toList());
    }
  }

  /** The entry; empty when the record was poison and is now kept as a dead letter; null: retry. */
  private Optional<LogEntry> decode(Record r) {
    try {
      return Optional.of(service.decode(r.body()));
    } catch (PoisonMessageException poison) {
      try {
        deadLetters.keep(r.id(), r.body(), poison.getMessage());
        LOG.error("poison record {} kept as a dead letter: {}", r.id(), poison.getMessage());
        return Optional.empty();
      } catch (RuntimeException e) {
        LOG.warn(
            "poison record {} could not be dead-lettered, will retry: {}", r.id(), e.toString());
        return null;
      }
    } catch (RuntimeException e) {
      LOG.warn("record {} could not be decoded now, will retry: {}", r.id(), e.toString());
      return null;
    }
  }

  private boolean apply(List<LogEntry> entries) {
    if (entries.isEmpty()) {
      return true;
    }
    try {
      service.apply(entries);
      return true;
    } catch (RuntimeException e) {
      LOG.warn(
          "applying {} log entries failed, they will be retried: {}", entries.size(), e.toString());
      return false;
    }
  }
}
