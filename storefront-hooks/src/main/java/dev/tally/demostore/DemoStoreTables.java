package dev.tally.demostore;

import java.util.LinkedHashSet;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Creates the demo store's tables: both keyed by string {@code pk} and {@code sk}. */
public final class DemoStoreTables {
  private DemoStoreTables() {}

  /** Creates the products and orders tables unless they exist, and waits until they are active. */
  public static void createIfMissing(DynamoDbClient dynamo, DemoStoreConfig config) {
    // Both tables share one key schema, so a config may point them at the same table.
    Set<String> names = new LinkedHashSet<>();
    names.add(config.productsTable());
    names.add(config.ordersTable());
    for (String name : names) {
      if (!exists(dynamo, name)) {
        try {
          dynamo.createTable(
              b ->
                  b.tableName(name)
                      .billingMode(BillingMode.PAY_PER_REQUEST)
                      .keySchema(
                          KeySchemaElement.builder()
                              .attributeName(StoreItems.PK)
                              .keyType(KeyType.HASH)
                              .build(),
                          KeySchemaElement.builder()
                              .attributeName(StoreItems.SK)
                              .keyType(KeyType.RANGE)
                              .build())
                      .attributeDefinitions(
                          AttributeDefinition.builder()
                              .attributeName(StoreItems.PK)
                              .attributeType(ScalarAttributeType.S)
                              .build(),
                          AttributeDefinition.builder()
                              .attributeName(StoreItems.SK)
                              .attributeType(ScalarAttributeType.S)
                              .build()));
        } catch (ResourceInUseException createdConcurrently) {
          // another instance won the race; fine
        }
      }
      dynamo.waiter().waitUntilTableExists(b -> b.tableName(name));
    }
  }

  private static boolean exists(DynamoDbClient dynamo, String name) {
    try {
      dynamo.describeTable(b -> b.tableName(name));
      return true;
    } catch (ResourceNotFoundException e) {
      return false;
    }
  }
}
