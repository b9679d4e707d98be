package dev.tally.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.error.AuthException;
import dev.tally.core.error.PayloadTooLargeException;
import dev.tally.core.error.RetryableException;
import dev.tally.core.error.ValidationException;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventParser;
import dev.tally.core.event.EventParser.BatchContext;
import dev.tally.core.event.Events;
import dev.tally.core.port.DedupStore;
import dev.tally.core.port.EventLog;
import dev.tally.core.store.KeyKind;
import dev.tally.core.store.Store;
import dev.tally.core.store.StoreRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracking API's logic, free of any transport: authenticate, validate, dedup, append to the
 * log. It answers only after the log has the events, so a 2xx means durable.
 */
public final class IngestService {
  private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

  private final IngestConfig config;
  private final StoreRegistry stores;
  private final DedupStore dedup;
  private final EventLog log;
  private final Clock clock;
  private final IngestMetrics metrics;
  private final RateLimiter limiter;
  private final BodyReader reader;
  private final EventParser live;
  private final EventParser historical;
  private final RejectedEvents rejectedEvents;
  private final dev.tally.core.regulation.SuppressionList suppressions;

  public IngestService(
      IngestConfig config,
      StoreRegistry stores,
      DedupStore dedup,
      EventLog log,
      Clock clock,
      IngestMetrics metrics) {
    this(config, stores, dedup, log, clock, metrics, RejectedEvents.none());
  }

  public IngestService(
      IngestConfig config,
      StoreRegistry stores,
      DedupStore dedup,
      EventLog log,
      Clock clock,
      IngestMetrics metrics,
      RejectedEvents rejectedEvents) {
    this(
        config,
        stores,
        dedup,
        log,
        clock,
        metrics,
        rejectedEvents,
        dev.tally.core.regulation.SuppressionList.NONE);
  }

  /**
   * @param suppressions people whose events are accepted (2xx, as Segment does) but dropped before
   *     they are published
   */
  public IngestService(
      IngestConfig config,
      StoreRegistry stores,
      DedupStore dedup,
      EventLog log,
      Clock clock,
      IngestMetrics metrics,
      RejectedEvents rejectedEvents,
      dev.tally.core.regulation.SuppressionList suppressions) {
    this.suppressions = suppressions;
    this.rejectedEvents = rejectedEvents;
    this.config = config;
    this.stores = stores;
    this.dedup = dedup;
    this.log = log;
    this.clock = clock;
    this.metrics = metrics;
    this.limiter = new RateLimiter(config.requestsPerSecond(), config.burst());
    this.reader = new BodyReader(config.maxRequestBytes());
    this.live = new EventParser(config.parse());
    this.historical = new EventParser(config.parse().historical());
  }

  /** Handles one call; throws a {@link dev.tally.core.error.TallyException} to reject it whole. */
  public IngestResult handle(IngestRequest req) {
    Instant receivedAt = clock.instant();
    BodyReader.Body read;
    try {
      read = reader.read(req);
    } catch (ValidationException e) {
      metrics.rejected(e.code(), 1);
      throw e;
    }
    JsonNode body = read.json();
    Store store = authenticate(req, body);
    if (req.origin() != null
        && !store.allowedOrigins().isEmpty()
        && !store.allowsOrigin(req.origin())) {
      throw AuthException.forbidden("origin " + req.origin() + " is not allowed for this store");
    }
    limiter.acquire(store.id());

    List<JsonNode> calls = calls(req.endpoint(), body);
    EventParser parser = req.endpoint() == Endpoint.IMPORT ? historical : live;
    BatchContext batch =
        new BatchContext(receivedAt, body.get("sentAt"), body.get("context"), read.bytes());
    Map<String, Event> valid = new LinkedHashMap<>();
    List<IngestResult.Rejection> rejected = new ArrayList<>();
    int repeatsInRequest = 0;
    for (int i = 0; i < calls.size(); i++) {
      JsonNode call = calls.get(i);
      try {
        Event e = parser.parse(call, req.endpoint().impliedType(), batch, store.currency());
        if (valid.putIfAbsent(e.messageId(), e) != null) {
          repeatsInRequest++;
        }
      } catch (ValidationException e) {
        metrics.rejected(e.code(), 1);
        JsonNode mid = call == null ? null : call.get("messageId");
        String messageId = mid != null && mid.isTextual() ? mid.textValue() : null;
        keepRejected(
            store.id(),
            new RejectedEvents.Rejected(
                i, messageId, e.code(), e.getMessage(), call == null ? null : call.toString()));
        if (!req.endpoint().isBatch()) {
          throw e;
        }
        rejected.add(new IngestResult.Rejection(i, messageId, e.code(), e.getMessage()));
      }
    }
    if (valid.isEmpty()) {
      if (rejected.stream().allMatch(r -> r.code().equals("payload_too_large"))) {
        // Only oversize events: answer 413 as a single oversize call does.
        throw new PayloadTooLargeException(rejected.get(0).error());
      }
      throw new BatchRejectedException(rejected);
    }

    int answered = valid.size();
    // Suppressed people's events are answered like any other and never published.
    List<Event> allowed =
        dev.tally.core.regulation.Suppressed.drop(
            suppressions, store.id(), List.copyOf(valid.values()));
    if (allowed.size() < valid.size()) {
      Set<String> keep = new java.util.HashSet<>();
      allowed.forEach(e -> keep.add(e.messageId()));
      valid.keySet().retainAll(keep);
    }
    Set<String> seen = dedup.seen(store.id(), valid.keySet());
    Map<String, DedupStore.Pin> pins = dedup.pinned(store.id(), valid.keySet());
    List<Event> fresh = new ArrayList<>();
    List<Event> publish = new ArrayList<>();
    for (Event e : valid.values()) {
      if (seen.contains(e.messageId())) {
        continue;
      }
      DedupStore.Pin pin = pins.get(e.messageId());
      if (pin == null) {
        fresh.add(e);
        publish.add(e);
      } else {
        // A retry of an event whose publish may have been cut short: send the first copy's
        // identity and time again, so the aggregator's marks recognise it if it did get through.
        publish.add(Events.withIdentity(e, pin.anonymousId(), pin.userId(), pin.timestamp()));
      }
    }
    if (!publish.isEmpty()) {
      long start = System.nanoTime();
      try {
        if (!fresh.isEmpty()) {
          dedup.pin(store.id(), fresh);
        }
        log.append(store.id(), publish);
      } catch (RetryableException e) {
        LOG.warn("event log or dedup unavailable; answering 503: {}", e.getMessage());
        throw new RetryableException(
            "log_unavailable",
            "events could not be stored durably; nothing was accepted, retry later",
            config.unavailableRetryAfter(),
            e);
      }
      metrics.published(Duration.ofNanos(System.nanoTime() - start));
      try {
        dedup.remember(store.id(), publish.stream().map(Event::messageId).toList());
      } catch (RetryableException e) {
        // The events are durable and pinned; a retry is published with the pinned identity,
        // which the aggregator drops by message id.
        LOG.warn("could not record message ids for dedup: {}", e.getMessage());
      }
    }
    int duplicates = seen.size() + repeatsInRequest;
    metrics.accepted(store.id(), publish.size());
    metrics.duplicates(store.id(), duplicates);
    return new IngestResult(answered + repeatsInRequest, duplicates, rejected, store.id());
  }

  /** Keeps a refused call for inspection; never fails the request. */
  private void keepRejected(String storeId, RejectedEvents.Rejected row) {
    try {
      rejectedEvents.keep(storeId, List.of(row));
    } catch (RuntimeException e) {
      LOG.warn("could not keep a rejected event of store {}: {}", storeId, e.toString());
    }
  }

  private Store authenticate(IngestRequest req, JsonNode body) {
    String key = basicUser(req.authorization());
    if (key == null) {
      JsonNode wk = body.get("writeKey");
      key = wk != null && wk.isTextual() && !wk.textValue().isBlank() ? wk.textValue() : null;
    }
    if (key == null) {
      throw AuthException.missing("a write key (Basic auth user, or writeKey in the body)");
    }
    return stores
        .findByKey(key, KeyKind.WRITE)
        .orElseThrow(() -> AuthException.unknown("this write key"));
  }

  /** The user part of a Basic {@code Authorization} header; null when absent or not Basic. */
  static String basicUser(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    try {
      String decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()),
              StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      String user = colon >= 0 ? decoded.substring(0, colon) : decoded;
      return user.isBlank() ? null : user;
    } catch (IllegalArgumentException e) {
      throw new AuthException.Malformed("Authorization header is not valid Basic auth");
    }
  }

  private List<JsonNode> calls(Endpoint endpoint, JsonNode body) {
    if (!endpoint.isBatch()) {
      return List.of(body);
    }
    JsonNode batch = body.get("batch");
    if (batch == null || !batch.isArray()) {
      throw new ValidationException("missing_field", "batch must be an array of events");
    }
    if (batch.size() > config.maxBatchEvents()) {
      throw new PayloadTooLargeException(
          "batch has " + batch.size() + " events; the limit is " + config.maxBatchEvents());
    }
    if (batch.isEmpty()) {
      throw new ValidationException("empty_batch", "batch has no events");
    }
    List<JsonNode> out = new ArrayList<>(batch.size());
    batch.forEach(out::add);
    return out;
  }

  /** Every event of a batch was invalid: a 400 that lists each problem. */
  public static final class BatchRejectedException extends ValidationException {
    private final List<IngestResult.Rejection> rejected;

    BatchRejectedException(List<IngestResult.Rejection> rejected) {
      super(
          "no_valid_events",
          rejected.size() == 1
              ? rejected.get(0).error()
              : "none of the " + rejected.size() + " events is valid");
      this.rejected = List.copyOf(rejected);
    }

    public List<IngestResult.Rejection> rejected() {
      return rejected;
    }
  }
}
