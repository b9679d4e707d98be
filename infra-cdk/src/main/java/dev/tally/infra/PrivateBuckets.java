package dev.tally.infra;

import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.constructs.Construct;

/** The one way Tally makes an S3 bucket: private, encrypted, TLS-only, kept in prod. */
final class PrivateBuckets {

  private PrivateBuckets() {}

  /** A builder with the common settings applied; callers add what is specific and build. */
  static Bucket.Builder builder(Construct scope, String id, TallyStageConfig config) {
    return Bucket.Builder.create(scope, id)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .encryption(BucketEncryption.S3_MANAGED)
        .enforceSsl(true)
        .removalPolicy(config.dataRemovalPolicy())
        // Dev stacks must delete cleanly; a non-empty bucket would block that.
        .autoDeleteObjects(!config.isProd());
  }
}
