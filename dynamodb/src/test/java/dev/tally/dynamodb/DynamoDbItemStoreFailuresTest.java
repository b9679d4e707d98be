package dev.tally.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.core.error.RetryableException;
import dev.tally.core.error.TallyException;
import dev.tally.core.item.Condition;
import dev.tally.core.item.ConditionFailedException;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.retry.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * What dynalite cannot produce (throttling, conflicts, unprocessed batch items), answered by a stub
 * client: each test says what one operation answers.
 */
class DynamoDbItemStoreFailuresTest {
  private static final Backoff FAST =
      new Backoff(new Backoff.Config(3, Duration.ofMillis(1), Duration.ofMillis(2)));
  private final AtomicInteger calls = new AtomicInteger();

  /**
   * A client that answers one operation with {@code answer} and refuses every other (the
   * interface's default methods throw UnsupportedOperationException): no reflection, no proxy.
   */
  private final class StubClient implements DynamoDbClient {
    private final String operation;
    private final Function<Object, Object> answer;

    StubClient(String operation, Function<Object, Object> answer) {
      this.operation = operation;
      this.answer = answer;
    }

    @SuppressWarnings("unchecked")
    private <T> T answer(String called, Object request) {
      if (!called.equals(operation)) {
        throw new AssertionError("unexpected call " + called);
      }
      calls.incrementAndGet();
      Object out = answer.apply(request);
      if (out instanceof RuntimeException e) {
        throw e;
      }
      return (T) out;
    }

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest r) {
      return answer("transactWriteItems", r);
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest r) {
      return answer("updateItem", r);
    }

    @Override
    public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest r) {
      return answer("batchWriteItem", r);
    }

    @Override
    public BatchGetItemResponse batchGetItem(BatchGetItemRequest r) {
      return answer("batchGetItem", r);
    }

    @Override
    public String serviceName() {
      return "dynamodb";
    }

    @Override
    public void close() {}
  }

  private DynamoDbItemStore store(String operation, Function<Object, Object> answer) {
    DynamoDbClient stub = new StubClient(operation, answer);
    return DynamoDbItemStore.builder()
        .client(stub)
        .table("t")
        .clock(Clock.systemUTC())
        .backoff(FAST)
        .build();
  }

  private static CancellationReason reason(String code) {
    return CancellationReason.builder().code(code).build();
  }

  private static TransactionCanceledException cancelled(CancellationReason... reasons) {
    return TransactionCanceledException.builder()
        .message("cancelled")
        .cancellationReasons(reasons)
        .build();
  }

  private static List<ItemWrite> two() {
    return List.of(
        ItemWrite.update(ItemKey.of("p", "a")).add("n", 1).build(),
        ItemWrite.update(ItemKey.of("p", "b")).add("n", 1).build());
  }

  @Test
  void transactionConflictOrThrottling_isRetryable() {
    for (String code :
        List.of("TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded")) {
      var s = store("transactWriteItems", r -> cancelled(reason("None"), reason(code)));
      assertThatThrownBy(() -> s.write(two()))
          .isInstanceOf(RetryableException.class)
          .hasMessageContaining(code);
    }
  }

  @Test
  void failedCondition_beatsAConflict() {
    var old =
        CancellationReason.builder()
            .code("ConditionalCheckFailed")
            .item(
                Map.of(
                    "pk",
                    AttributeValue.fromS("p"),
                    "sk",
                    AttributeValue.fromS("a"),
                    "ver",
                    AttributeValue.fromN("4")))
            .build();
    var s = store("transactWriteItems", r -> cancelled(old, reason("TransactionConflict")));
    List<ItemWrite> guarded =
        List.of(
            ItemWrite.update(ItemKey.of("p", "a"))
                .add("ver", 1)
                .when(Condition.versionIs("ver", 3L))
                .build(),
            ItemWrite.update(ItemKey.of("p", "b")).add("n", 1).build());
    assertThatThrownBy(() -> s.write(guarded))
        .isInstanceOfSatisfying(
            ConditionFailedException.class,
            e -> {
              assertThat(e.failed()).containsExactly(0);
              assertThat(e.current(0).orElseThrow().num("ver")).isEqualTo(4);
            });
  }

  @Test
  void otherCancellationReasons_areRejected_notRetryable() {
    var s =
        store(
            "transactWriteItems",
            r -> cancelled(reason("ConditionalCheckFailed"), reason("ValidationError")));
    assertThatThrownBy(() -> s.write(two()))
        .isInstanceOfSatisfying(
            TallyException.class,
            e -> {
              assertThat(e).isNotInstanceOf(RetryableException.class);
              assertThat(e.code()).isEqualTo("write_rejected");
              assertThat(e.getMessage()).contains("ValidationError");
            });
  }

  @Test
  void throttlingAndServerErrors_onASingleWrite_areRetryable_validationIsNot() {
    List<ItemWrite> one = List.of(ItemWrite.update(ItemKey.of("p", "a")).add("n", 1).build());
    var throttled =
        store(
            "updateItem",
            r ->
                ProvisionedThroughputExceededException.builder()
                    .message("slow down")
                    .statusCode(400)
                    .build());
    assertThatThrownBy(() -> throttled.write(one)).isInstanceOf(RetryableException.class);
    var broken =
        store(
            "updateItem", r -> DynamoDbException.builder().message("oops").statusCode(500).build());
    assertThatThrownBy(() -> broken.write(one)).isInstanceOf(RetryableException.class);
    var invalid =
        store(
            "updateItem",
            r ->
                DynamoDbException.builder()
                    .message("bad")
                    .statusCode(400)
                    .awsErrorDetails(
                        AwsErrorDetails.builder().errorCode("ValidationException").build())
                    .build());
    assertThatThrownBy(() -> invalid.write(one))
        .isInstanceOfSatisfying(
            TallyException.class,
            e -> {
              assertThat(e).isNotInstanceOf(RetryableException.class);
              assertThat(e.code()).isEqualTo("write_rejected");
              assertThat(e.getMessage()).contains("ValidationException");
            });
  }

  @Test
  void unprocessedItems_areResent_untilNoneAreLeft() {
    List<Integer> sizes = new ArrayList<>();
    var s =
        store(
            "batchWriteItem",
            r -> {
              var req = ((BatchWriteItemRequest) r).requestItems().get("t");
              sizes.add(req.size());
              var b = BatchWriteItemResponse.builder();
              if (req.size() > 1) {
                b.unprocessedItems(Map.of("t", req.subList(1, req.size())));
              }
              return b.build();
            });
    s.putAll(List.of(item("a"), item("b"), item("c")));
    assertThat(sizes).containsExactly(3, 2, 1);
  }

  @Test
  void unprocessedItemsLeftAfterTheLastAttempt_areRetryable() {
    var s =
        store(
            "batchWriteItem",
            r ->
                BatchWriteItemResponse.builder()
                    .unprocessedItems(((BatchWriteItemRequest) r).requestItems())
                    .build());
    assertThatThrownBy(() -> s.putAll(List.of(item("a")))).isInstanceOf(RetryableException.class);
    assertThat(calls).hasValue(3);
  }

  @Test
  void unprocessedKeys_areResent() {
    var s =
        store(
            "batchGetItem",
            r -> {
              var ka = ((BatchGetItemRequest) r).requestItems().get("t");
              assertThat(ka.consistentRead()).isTrue();
              var first = ka.keys().get(0);
              var b =
                  BatchGetItemResponse.builder()
                      .responses(
                          Map.of(
                              "t",
                              List.of(
                                  Map.of(
                                      "pk",
                                      first.get("pk"),
                                      "sk",
                                      first.get("sk"),
                                      "n",
                                      AttributeValue.fromN("1")))));
              if (ka.keys().size() > 1) {
                b.unprocessedKeys(
                    Map.of(
                        "t", ka.toBuilder().keys(ka.keys().subList(1, ka.keys().size())).build()));
              }
              return b.build();
            });
    var got = s.getAll(List.of(ItemKey.of("p", "a"), ItemKey.of("p", "b")));
    assertThat(got).containsOnlyKeys(ItemKey.of("p", "a"), ItemKey.of("p", "b"));
    assertThat(calls).hasValue(2);
  }

  private static Item item(String sk) {
    return Item.of(ItemKey.of("p", sk), Map.of());
  }
}
