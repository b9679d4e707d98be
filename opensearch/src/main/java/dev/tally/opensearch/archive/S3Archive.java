package dev.tally.opensearch.archive;

import dev.tally.dynamodb.AwsEndpoints;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An archive under an S3 prefix, as the AWS stacks' Firehose writes it ({@code
 * <prefix>store=<id>/dt=…/hour=…/…gz}). With a store filter only that store's prefix is listed.
 */
public final class S3Archive implements ArchiveSource {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  /**
   * @param prefix the key prefix of the archive root; a trailing {@code /} is added when missing
   */
  public S3Archive(S3Client s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
  }

  /**
   * The S3 client the archive tools use: {@code AWS_ENDPOINT_URL_S3} / {@code AWS_ENDPOINT_URL}
   * through {@link AwsEndpoints} (path-style addressing at an overridden endpoint, as emulators
   * need), the URL-connection HTTP client.
   */
  public static S3Client client(AwsEndpoints aws, AwsCredentialsProvider credentials) {
    AwsEndpoints s3 = aws.forService("S3");
    S3ClientBuilder b =
        s3.configure(S3Client.builder())
            .credentialsProvider(credentials)
            .httpClient(UrlConnectionHttpClient.create());
    if (s3.endpoint().isPresent()) {
      // Emulators: path-style addresses, and neither aws-chunked bodies nor trailing checksums.
      b.serviceConfiguration(
              S3Configuration.builder()
                  .pathStyleAccessEnabled(true)
                  .chunkedEncodingEnabled(false)
                  .build())
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    return b.build();
  }

  public static S3Client client(AwsEndpoints aws) {
    return client(aws, aws.forService("S3").credentials());
  }

  /** Parses {@code s3://bucket/prefix}. */
  public static S3Archive of(S3Client s3, String uri) {
    URI u = URI.create(uri);
    if (!"s3".equals(u.getScheme()) || u.getHost() == null || u.getHost().isBlank()) {
      throw new IllegalArgumentException("'" + uri + "' is not s3://bucket/prefix");
    }
    String path = u.getPath() == null ? "" : u.getPath();
    return new S3Archive(s3, u.getHost(), path.startsWith("/") ? path.substring(1) : path);
  }

  public String bucket() {
    return bucket;
  }

  public String prefix() {
    return prefix;
  }

  @Override
  public List<ArchiveFile> list(ArchiveFilter filter) {
    String listPrefix = filter.store().map(s -> prefix + "store=" + s + "/").orElse(prefix);
    List<ArchiveFile> out = new ArrayList<>();
    ListObjectsV2Request request =
        ListObjectsV2Request.builder().bucket(bucket).prefix(listPrefix).build();
    for (S3Object o : s3.listObjectsV2Paginator(request).contents()) {
      String key = o.key().substring(prefix.length());
      ArchiveLayout.parse(key)
          .filter(filter::mayHold)
          .ifPresent(p -> out.add(new ArchiveFile(key, p, o.size(), o.eTag())));
    }
    out.sort(Comparator.comparing(ArchiveFile::key));
    return out;
  }

  /**
   * Just one object of this bucket, by its full key (as an S3 event names it); empty when the key
   * is not a data file of the archive layout.
   */
  public static java.util.Optional<ArchiveSource> object(
      S3Client s3, String bucket, String key, long size, String eTag) {
    S3Archive whole = new S3Archive(s3, bucket, "");
    return ArchiveLayout.parse(key)
        .map(
            p ->
                new ArchiveSource() {
                  @Override
                  public List<ArchiveFile> list(ArchiveFilter filter) {
                    return filter.mayHold(p)
                        ? List.of(new ArchiveFile(key, p, size, eTag))
                        : List.of();
                  }

                  @Override
                  public InputStream open(ArchiveFile file) {
                    return whole.open(file);
                  }

                  @Override
                  public String describe() {
                    return "s3://" + bucket + "/" + key;
                  }
                });
  }

  @Override
  public InputStream open(ArchiveFile file) {
    return s3.getObject(GetObjectRequest.builder().bucket(bucket).key(prefix + file.key()).build());
  }

  @Override
  public String describe() {
    return "s3://" + bucket + "/" + prefix;
  }
}
