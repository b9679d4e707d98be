package dev.tally.opensearch.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Json;
import dev.tally.opensearch.archive.ArchiveFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a replay has finished, so that a replay started again with the same arguments resumes: the
 * archive files whose every document OpenSearch has acknowledged, with their version. Saved
 * atomically (write, then rename) after each bulk request that finishes a file. A file in the
 * middle when the replay stopped is read again; its documents are indexed again under the same ids,
 * which changes nothing.
 */
public final class ReplayState {
  private final Path file;
  private final String key;
  private final Map<String, String> done = new LinkedHashMap<>();

  private ReplayState(Path file, String key) {
    this.file = file;
    this.key = key;
  }

  /**
   * Loads the state of the replay identified by {@code key} (its arguments), or starts empty when
   * there is none, it belongs to other arguments, or {@code restart} is set.
   */
  public static ReplayState load(Path file, String key, boolean restart) {
    ReplayState s = new ReplayState(file, key);
    if (restart || !Files.exists(file)) {
      return s;
    }
    try {
      JsonNode n = Json.mapper().readTree(Files.readAllBytes(file));
      if (key.equals(n.path("key").asText())) {
        n.path("done")
            .fields()
            .forEachRemaining(e -> s.done.put(e.getKey(), e.getValue().asText()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the replay state " + file + ": " + e, e);
    }
    return s;
  }

  public Path file() {
    return file;
  }

  public boolean isDone(ArchiveFile f) {
    return f.version().equals(done.get(f.key()));
  }

  public int doneCount() {
    return done.size();
  }

  public void markDone(ArchiveFile f) {
    done.put(f.key(), f.version());
  }

  public void save() {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("key", key);
    ObjectNode d = n.putObject("done");
    done.forEach(d::put);
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = parent.resolve(file.getFileName() + ".tmp");
      Files.write(tmp, Json.mapper().writeValueAsBytes(n));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the replay state " + file + ": " + e, e);
    }
  }
}
