package dev.tally.dynamodb;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/** Creates Tally's tables when missing (local runs and tests; AWS uses the CDK app). */
public final class Tables {
  private static final Logger LOG = LoggerFactory.getLogger(Tables.class);

  private Tables() {}

  public static void createIfMissing(DynamoDbClient ddb, TableNames names) {
    create(ddb, names.metrics(), true);
    create(ddb, names.stores(), false);
    create(ddb, names.dedup(), false);
    enableTtl(ddb, names.metrics());
    enableTtl(ddb, names.dedup());
  }

  /** Creates one {@code pk} + {@code sk} table when missing (e.g. the demo shop's). */
  public static void createIfMissing(DynamoDbClient ddb, String table) {
    create(ddb, table, true);
  }

  /** True when every table exists and is ACTIVE. */
  public static boolean ready(DynamoDbClient ddb, TableNames names) {
    for (String t : List.of(names.metrics(), names.stores(), names.dedup())) {
      try {
        if (ddb.describeTable(b -> b.tableName(t)).table().tableStatus() != TableStatus.ACTIVE) {
          return false;
        }
      } catch (ResourceNotFoundException e) {
        return false;
      }
    }
    return true;
  }

  static void create(DynamoDbClient ddb, String table, boolean withSortKey) {
    List<KeySchemaElement> keys = new ArrayList<>();
    List<AttributeDefinition> attrs = new ArrayList<>();
    keys.add(KeySchemaElement.builder().attributeName(Attr.PK).keyType(KeyType.HASH).build());
    attrs.add(attr(Attr.PK));
    if (withSortKey) {
      keys.add(KeySchemaElement.builder().attributeName(Attr.SK).keyType(KeyType.RANGE).build());
      attrs.add(attr(Attr.SK));
    }
    try {
      ddb.createTable(
          CreateTableRequest.builder()
              .tableName(table)
              .keySchema(keys)
              .attributeDefinitions(attrs)
              .billingMode(BillingMode.PAY_PER_REQUEST)
              .build());
      ddb.waiter().waitUntilTableExists(b -> b.tableName(table));
      LOG.info("created table {}", table);
    } catch (ResourceInUseException e) {
      LOG.debug("table {} exists", table);
    }
  }

  private static void enableTtl(DynamoDbClient ddb, String table) {
    try {
      ddb.updateTimeToLive(
          b ->
              b.tableName(table)
                  .timeToLiveSpecification(s -> s.enabled(true).attributeName(Attr.EXPIRES_AT)));
    } catch (software.amazon.awssdk.services.dynamodb.model.DynamoDbException e) {
      // Already enabled answers with a validation error; anything else is worth a warning.
      if (!String.valueOf(e.getMessage()).contains("already enabled")) {
        LOG.debug("TTL on {}: {}", table, e.getMessage());
      }
    }
  }

  private static AttributeDefinition attr(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }
}
