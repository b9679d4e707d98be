package dev.tally.opensearch.regulation;

import dev.tally.core.event.Event;
import dev.tally.core.regulation.Redactor;
import dev.tally.opensearch.archive.ArchiveFile;
import dev.tally.opensearch.archive.ArchiveFilter;
import dev.tally.opensearch.archive.LocalArchive;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Removes events from the embedded engine's archive: every data file of the store that holds one is
 * rewritten without it (a temp file in {@code _tally/redact}, fsync'd, then atomically renamed over
 * the original); a file left with no event is deleted. A crash leaves either the old or the new
 * file, and running again rewrites what is still there, so the step is idempotent. The archiver
 * only ever adds new file names, so the two never touch the same file.
 */
public final class LocalArchiveRedactor implements Redactor {
  private final Path root;

  public LocalArchiveRedactor(Path root) {
    this.root = root;
  }

  @Override
  public String name() {
    return "redact-archive";
  }

  @Override
  public String redact(
      String store, Predicate<Event> remove, Consumer<List<Event>> beforeRemoving) {
    if (!Files.isDirectory(root)) {
      return "no archive at " + root;
    }
    LocalArchive archive = new LocalArchive(root);
    int files = 0;
    int removed = 0;
    int scanned = 0;
    for (ArchiveFile f :
        archive.list(new ArchiveFilter(Optional.of(store), Optional.empty(), Optional.empty()))) {
      scanned++;
      ArchiveRewrite rewrite;
      try (InputStream in = archive.open(f)) {
        rewrite = ArchiveRewrite.of(in, remove);
      } catch (java.nio.file.NoSuchFileException e) {
        continue;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f.key() + ": " + e.getMessage(), e);
      }
      List<Event> gone = rewrite.removed();
      if (gone.isEmpty()) {
        continue;
      }
      beforeRemoving.accept(gone);
      replace(root.resolve(f.key()), rewrite);
      files++;
      removed += gone.size();
    }
    return removed + " event(s) removed from " + files + " of " + scanned + " archive file(s)";
  }

  private void replace(Path file, ArchiveRewrite rewrite) {
    try {
      if (rewrite.lines().isEmpty()) {
        Files.deleteIfExists(file);
        fsync(file.getParent(), true);
        return;
      }
      Path tmpDir = root.resolve("_tally").resolve("redact");
      Files.createDirectories(tmpDir);
      Path tmp = tmpDir.resolve("redact-" + file.getFileName() + ".tmp");
      try (OutputStream out =
          Files.newOutputStream(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        rewrite.writeTo(out);
      }
      fsync(tmp, false);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      fsync(file.getParent(), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite " + file + ": " + e.getMessage(), e);
    }
  }

  private static void fsync(Path p, boolean dir) throws IOException {
    try (FileChannel c =
        FileChannel.open(p, dir ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
      c.force(true);
    }
  }
}
