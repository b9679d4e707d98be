package dev.tally.opensearch.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The bad-rows file: one JSON object per line for each document OpenSearch refused for good (a
 * mapping failure, any 4xx) or each archive line that is not a log entry. Created on the first bad
 * row only; appended to by a resumed replay.
 */
public final class BadRows implements AutoCloseable {
  private final Path file;
  private BufferedWriter out;
  private long count;

  public BadRows(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  public long count() {
    return count;
  }

  /** A document OpenSearch refused. */
  public synchronized void document(
      String index, String id, int status, JsonNode error, JsonNode source) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("kind", "document");
    n.put("index", index);
    n.put("id", id);
    n.put("status", status);
    n.set("error", error);
    n.set("document", source);
    write(n);
  }

  /** An archive line that could not be read. */
  public synchronized void line(String archiveFile, String line, String reason) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("kind", "archive_line");
    n.put("file", archiveFile);
    n.put("reason", reason);
    n.put("line", line);
    write(n);
  }

  private void write(ObjectNode n) {
    try {
      if (out == null) {
        if (file.toAbsolutePath().getParent() != null) {
          Files.createDirectories(file.toAbsolutePath().getParent());
        }
        out =
            Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      out.write(Json.mapper().writeValueAsString(n));
      out.write('\n');
      out.flush();
      count++;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the bad-rows file " + file + ": " + e, e);
    }
  }

  @Override
  public synchronized void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        // flushed after every row already
      }
    }
  }
}
