package dev.tally.flink;

import dev.tally.opensearch.archive.ArchiveFile;
import dev.tally.opensearch.archive.ArchiveLayout;
import java.util.Objects;

/**
 * One archive file the batch rebuild reads, as the client listed it: its key below the archive root
 * and what tells its contents apart. A Flink POJO (public fields, no-argument constructor).
 */
public class ArchiveFileRef {
  /** The file's path relative to the archive root (an S3 key below the prefix). */
  public String key;

  /** Its compressed size in bytes. */
  public long size;

  /** Size and modification time, or the S3 ETag. */
  public String version;

  public ArchiveFileRef() {}

  public ArchiveFileRef(String key, long size, String version) {
    this.key = key;
    this.size = size;
    this.version = version;
  }

  public static ArchiveFileRef of(ArchiveFile f) {
    return new ArchiveFileRef(f.key(), f.size(), f.version());
  }

  /** The archive's own description of the file, to open it with. */
  public ArchiveFile toFile() {
    return new ArchiveFile(
        key,
        ArchiveLayout.parse(key)
            .orElseThrow(() -> new IllegalArgumentException("not an archive data file: " + key)),
        size,
        version);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ArchiveFileRef r
        && size == r.size
        && Objects.equals(key, r.key)
        && Objects.equals(version, r.version);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, size, version);
  }

  @Override
  public String toString() {
    return "ArchiveFileRef[" + key + ", " + size + " bytes]";
  }
}
