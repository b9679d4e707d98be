package dev.tally.dynamodb.internal;

import dev.tally.core.error.RetryableException;
import dev.tally.core.error.TallyException;
import java.time.Duration;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.TransactionInProgressException;

/**
 * The one classifier of DynamoDB failures: what may succeed when tried again becomes a {@link
 * RetryableException}, anything else a non-retryable {@link TallyException}. Condition failures are
 * not seen here: the item store maps them to {@link dev.tally.core.item.ConditionFailedException}.
 */
public final class DynamoDbErrors {
  /** How long callers are told to wait after a retryable failure. */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  /** Cancellation reasons of a transaction that a later attempt may not meet again. */
  private static final Set<String> RETRYABLE_REASONS =
      Set.of(
          "TransactionConflict",
          "ThrottlingError",
          "ProvisionedThroughputExceeded",
          "RequestLimitExceeded",
          "InternalServerError");

  private DynamoDbErrors() {}

  /** Whether a transaction cancellation reason is worth retrying. */
  public static boolean retryableReason(String code) {
    return RETRYABLE_REASONS.contains(code);
  }

  /**
   * Translates an SDK failure of {@code operation} on {@code table}.
   *
   * @param rejectedCode the code of the non-retryable exception ({@code write_rejected} or {@code
   *     read_rejected})
   */
  public static TallyException translate(
      SdkException e, String operation, String table, String rejectedCode) {
    if (isRetryable(e)) {
      return new RetryableException(
          "dynamodb_unavailable",
          operation + " on " + table + " failed, may succeed later: " + e.getMessage(),
          RETRY_AFTER,
          e);
    }
    String code =
        e instanceof AwsServiceException a && a.awsErrorDetails() != null
            ? a.awsErrorDetails().errorCode()
            : e.getClass().getSimpleName();
    return new TallyException(
        rejectedCode,
        operation + " on " + table + " rejected (" + code + "): " + e.getMessage(),
        e);
  }

  /** Throttling, 5xx, transaction conflicts and client-side (network, timeout) failures. */
  public static boolean isRetryable(SdkException e) {
    if (e instanceof SdkClientException) {
      return true;
    }
    if (e instanceof AwsServiceException a) {
      return a.isThrottlingException()
          || a.statusCode() >= 500
          || a instanceof ProvisionedThroughputExceededException
          || a instanceof RequestLimitExceededException
          || a instanceof TransactionConflictException
          || a instanceof TransactionInProgressException;
    }
    return true;
  }
}
