package dev.tally.opensearch.archive;

/**
 * One data file of an archive.
 *
 * @param key its path relative to the archive root (an S3 key below the prefix), {@code
 *     /}-separated
 * @param partition the store and arrival hour it holds
 * @param size its size in bytes, compressed
 * @param version what tells two contents of the same key apart (size and modification time, or the
 *     S3 ETag): a resumed replay skips a file only when both key and version match
 */
public record ArchiveFile(
    String key, ArchiveLayout.Partition partition, long size, String version) {}
