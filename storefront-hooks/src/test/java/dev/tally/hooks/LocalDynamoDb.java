package dev.tally.hooks;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * DynamoDB Local in-process, for ITs: one engine per test class, a fresh table per test. Use as
 * {@code @RegisterExtension static final LocalDynamoDb DDB = new LocalDynamoDb();}.
 */
public final class LocalDynamoDb implements BeforeAllCallback, AfterAllCallback {
  private AmazonDynamoDBLocal engine;
  private DynamoDbClient client;

  @Override
  public void beforeAll(ExtensionContext context) {
    engine = DynamoDBEmbedded.create();
    client = engine.dynamoDbClient();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    client.close();
    engine.shutdown();
  }

  public DynamoDbClient client() {
    return client;
  }

  /** Creates a uniquely named table keyed by string pk/sk and returns its name. */
  public String freshTable(String prefix) {
    String name = prefix + "-" + UUID.randomUUID();
    client.createTable(
        b ->
            b.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(
                    KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                    KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
                .attributeDefinitions(
                    AttributeDefinition.builder()
                        .attributeName("pk")
                        .attributeType(ScalarAttributeType.S)
                        .build(),
                    AttributeDefinition.builder()
                        .attributeName("sk")
                        .attributeType(ScalarAttributeType.S)
                        .build()));
    return name;
  }
}
