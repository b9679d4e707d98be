package dev.tally.opensearch.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Port: an archive to read, a local directory ({@link LocalArchive}) or an S3 prefix ({@link
 * S3Archive}). Both throw {@link java.io.UncheckedIOException} (local) or the SDK's exceptions (S3)
 * when the archive cannot be read.
 */
public interface ArchiveSource {
  /** Every data file, sorted by key (within a partition that is log order). */
  List<ArchiveFile> list(ArchiveFilter filter);

  /** The file's raw (gzip-compressed) bytes. */
  InputStream open(ArchiveFile file) throws IOException;

  /** Where it is, for messages: a directory or {@code s3://bucket/prefix}. */
  String describe();
}
