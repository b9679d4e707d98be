package dev.tally.opensearch.regulation;

import dev.tally.core.event.Event;
import dev.tally.core.regulation.Redactor;
import dev.tally.opensearch.archive.ArchiveFile;
import dev.tally.opensearch.archive.ArchiveFilter;
import dev.tally.opensearch.archive.S3Archive;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Removes events from the AWS archive: every object of the store's prefix that holds one is put
 * again without it (a single PUT replaces an object atomically) or deleted when nothing is left.
 * With bucket versioning on, the old content stays as a noncurrent version until the bucket's
 * lifecycle rule expires it (see docs/privacy.md). Idempotent: a second run finds nothing to
 * remove.
 */
public final class S3ArchiveRedactor implements Redactor {
  private final S3Client s3;
  private final S3Archive archive;

  public S3ArchiveRedactor(S3Client s3, S3Archive archive) {
    this.s3 = s3;
    this.archive = archive;
  }

  @Override
  public String name() {
    return "redact-archive";
  }

  @Override
  public String redact(
      String store, Predicate<Event> remove, Consumer<List<Event>> beforeRemoving) {
    int objects = 0;
    int removed = 0;
    List<ArchiveFile> files =
        archive.list(new ArchiveFilter(Optional.of(store), Optional.empty(), Optional.empty()));
    for (ArchiveFile f : files) {
      ArchiveRewrite rewrite;
      try (InputStream in = archive.open(f)) {
        rewrite = ArchiveRewrite.of(in, remove);
      } catch (NoSuchKeyException e) {
        continue;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f.key() + ": " + e.getMessage(), e);
      }
      if (rewrite.removed().isEmpty()) {
        continue;
      }
      beforeRemoving.accept(rewrite.removed());
      String key = archive.prefix() + f.key();
      if (rewrite.lines().isEmpty()) {
        s3.deleteObject(DeleteObjectRequest.builder().bucket(archive.bucket()).key(key).build());
      } else {
        try {
          s3.putObject(
              PutObjectRequest.builder().bucket(archive.bucket()).key(key).build(),
              RequestBody.fromBytes(rewrite.gzip()));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot compress " + key + ": " + e.getMessage(), e);
        }
      }
      objects++;
      removed += rewrite.removed().size();
    }
    return removed
        + " event(s) removed from "
        + objects
        + " of "
        + files.size()
        + " object(s) in "
        + archive.describe();
  }
}
