package dev.tally.opensearch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3 bucket in memory, for the archive reader's S3 side: {@code ListObjectsV2} (prefix, pages of
 * {@code maxKeys}, continuation tokens, as the SDK's paginator drives it) and {@code GetObject}:
 * small pages and call counts that a real server does not let a test choose. The S3 protocol itself
 * is exercised against s3rver ({@link dev.tally.testkit.S3rver}).
 */
public final class InMemoryS3 implements S3Client {
  public final String bucket;
  private final TreeMap<String, byte[]> objects = new TreeMap<>();
  public final List<ListObjectsV2Request> lists = new ArrayList<>();
  private final int pageSize;

  public InMemoryS3(String bucket, int pageSize) {
    this.bucket = bucket;
    this.pageSize = pageSize;
  }

  public void put(String key, byte[] bytes) {
    objects.put(key, bytes);
  }

  /** Copies every file under {@code dir} to {@code prefix + relative path}. */
  public void putTree(Path dir, String prefix) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        put(prefix + dir.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Map<String, byte[]> objects() {
    return objects;
  }

  @Override
  public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
    lists.add(request);
    String prefix = request.prefix() == null ? "" : request.prefix();
    String after = request.continuationToken();
    int max = Math.min(pageSize, request.maxKeys() == null ? 1000 : request.maxKeys());
    List<S3Object> page = new ArrayList<>();
    String last = null;
    boolean more = false;
    for (var e : (after == null ? objects : objects.tailMap(after, false)).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        continue;
      }
      if (page.size() == max) {
        more = true;
        break;
      }
      page.add(
          S3Object.builder()
              .key(e.getKey())
              .size((long) e.getValue().length)
              .eTag("\"" + Integer.toHexString(java.util.Arrays.hashCode(e.getValue())) + "\"")
              .build());
      last = e.getKey();
    }
    return ListObjectsV2Response.builder()
        .contents(page)
        .isTruncated(more)
        .nextContinuationToken(more ? last : null)
        .keyCount(page.size())
        .build();
  }

  @Override
  public ResponseInputStream<GetObjectResponse> getObject(GetObjectRequest request) {
    byte[] b = objects.get(request.key());
    if (b == null || !bucket.equals(request.bucket())) {
      throw NoSuchKeyException.builder().message("no such key " + request.key()).build();
    }
    return new ResponseInputStream<>(
        GetObjectResponse.builder().contentLength((long) b.length).build(),
        AbortableInputStream.create(new ByteArrayInputStream(b)));
  }

  /** Puts replace the whole object, as S3's do. */
  @Override
  public software.amazon.awssdk.services.s3.model.PutObjectResponse putObject(
      software.amazon.awssdk.services.s3.model.PutObjectRequest request,
      software.amazon.awssdk.core.sync.RequestBody body) {
    try (java.io.InputStream in = body.contentStreamProvider().newStream()) {
      objects.put(request.key(), in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return software.amazon.awssdk.services.s3.model.PutObjectResponse.builder().build();
  }

  @Override
  public software.amazon.awssdk.services.s3.model.DeleteObjectResponse deleteObject(
      software.amazon.awssdk.services.s3.model.DeleteObjectRequest request) {
    objects.remove(request.key());
    return software.amazon.awssdk.services.s3.model.DeleteObjectResponse.builder().build();
  }

  @Override
  public String serviceName() {
    return "s3";
  }

  @Override
  public void close() {}

  @Override
  public S3ServiceClientConfiguration serviceClientConfiguration() {
    return null;
  }
}
