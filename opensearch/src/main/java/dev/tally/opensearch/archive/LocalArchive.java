package dev.tally.opensearch.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** An archive in a local directory, as {@link LocalArchiver} writes it. */
public final class LocalArchive implements ArchiveSource {
  private final Path root;

  public LocalArchive(Path root) {
    this.root = root;
  }

  @Override
  public List<ArchiveFile> list(ArchiveFilter filter) {
    List<ArchiveFile> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              String name = dir.equals(root) ? "" : dir.getFileName().toString();
              if (name.startsWith("_") || name.startsWith(".")) {
                return FileVisitResult.SKIP_SUBTREE; // the writer's bookkeeping and temp files
              }
              // Whole partitions outside the filter are not listed at all.
              Optional<String> store = value(name, "store=");
              if (store.isPresent()
                  && filter.store().isPresent()
                  && !filter.store().get().equals(store.get())) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              String key = root.relativize(file).toString().replace('\\', '/');
              ArchiveLayout.parse(key)
                  .filter(filter::mayHold)
                  .ifPresent(
                      p ->
                          out.add(
                              new ArchiveFile(
                                  key,
                                  p,
                                  attrs.size(),
                                  attrs.size() + "@" + attrs.lastModifiedTime().toMillis())));
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE; // a temp file renamed away meanwhile
              }
              throw e;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the archive in " + root + ": " + e, e);
    }
    out.sort(Comparator.comparing(ArchiveFile::key));
    return out;
  }

  private static Optional<String> value(String segment, String prefix) {
    return segment.startsWith(prefix)
        ? Optional.of(segment.substring(prefix.length()))
        : Optional.empty();
  }

  @Override
  public InputStream open(ArchiveFile file) throws IOException {
    return Files.newInputStream(root.resolve(file.key()));
  }

  /** The absolute directory, so a resumed replay finds its progress from any working directory. */
  @Override
  public String describe() {
    return root.toAbsolutePath().normalize().toString();
  }
}
