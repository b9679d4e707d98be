package dev.tally.opensearch.regulation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.EventParser;
import dev.tally.core.event.Json;
import dev.tally.core.event.LogEntry;
import dev.tally.core.event.ParseOptions;
import dev.tally.core.regulation.Suppressed;
import dev.tally.opensearch.InMemoryS3;
import dev.tally.opensearch.archive.S3Archive;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The AWS archive's rewrite, over an in-memory S3. */
class S3ArchiveRedactorTest {
  static final String PREFIX = "events/";

  @Test
  void objectsHoldingThePerson_areRewrittenOrDeleted_andASecondRunFindsNothing() throws Exception {
    InMemoryS3 s3 = new InMemoryS3("archive-bucket", 2);
    String mixed = PREFIX + "store=shop/dt=2026-11-28/hour=10/part-1-2.jsonl.gz";
    String theirs = PREFIX + "store=shop/dt=2026-11-28/hour=11/part-3-3.jsonl.gz";
    String other = PREFIX + "store=other/dt=2026-11-28/hour=10/part-4-4.jsonl.gz";
    s3.put(
        mixed,
        gzip(
            entry("shop", event("m1", "u1"), event("m2", "u2")), entry("shop", event("m3", "u1"))));
    s3.put(theirs, gzip(entry("shop", event("m4", "u1"))));
    s3.put(other, gzip(entry("other", event("m5", "u1"))));
    S3ArchiveRedactor redactor =
        new S3ArchiveRedactor(s3, new S3Archive(s3, "archive-bucket", PREFIX));
    List<Event> seen = new ArrayList<>();

    String detail = redactor.redact("shop", Suppressed.naming(Set.of("u1")), seen::addAll);

    assertThat(detail).startsWith("3 event(s) removed from 2 of 2 object(s)");
    assertThat(seen).extracting(Event::messageId).containsExactlyInAnyOrder("m1", "m3", "m4");
    assertThat(s3.objects()).containsKeys(mixed, other).doesNotContainKey(theirs);
    assertThat(gunzip(s3.objects().get(mixed))).contains("m2").doesNotContain("u1");
    assertThat(gunzip(s3.objects().get(other))).contains("u1"); // another store's: untouched
    assertThat(redactor.redact("shop", Suppressed.naming(Set.of("u1")), e -> {}))
        .startsWith("0 event(s) removed from 0 of 1 object(s)");
  }

  private static Event event(String messageId, String user) {
    var n = Json.mapper().createObjectNode();
    n.put("type", "track");
    n.put("event", "Product Viewed");
    n.put("messageId", messageId);
    n.put("userId", user);
    n.put("timestamp", "2026-11-28T10:00:00Z");
    return new EventParser(ParseOptions.live().historical())
        .parse(
            n,
            null,
            EventParser.BatchContext.at(Instant.parse("2026-11-28T10:00:01Z")),
            Currency.getInstance("USD"));
  }

  private static LogEntry entry(String store, Event... events) {
    return new LogEntry("e-" + events[0].messageId(), store, List.of(events));
  }

  private static byte[] gzip(LogEntry... entries) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(b)) {
      for (LogEntry e : entries) {
        gz.write((EventCodec.encodeToString(e) + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    return b.toByteArray();
  }

  private static String gunzip(byte[] bytes) throws IOException {
    try (var in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
