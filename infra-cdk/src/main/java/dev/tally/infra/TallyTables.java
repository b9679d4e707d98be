package dev.tally.infra;

import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.constructs.Construct;

/** Creates DynamoDB tables the way every Tally table is made. */
final class TallyTables {

  static final String PARTITION_KEY = "pk";
  static final String SORT_KEY = "sk";
  static final String TTL_ATTRIBUTE = "expiresAt";

  /** Key and TTL layout of one table. */
  record Spec(String tableName, boolean sortKey, boolean ttl) {}

  private TallyTables() {}

  /**
   * On-demand (no idle cost), point-in-time recovery on, and in prod retained with deletion
   * protection so neither a stack deletion nor a console click can lose the data.
   */
  static Table create(Construct scope, String id, TallyStageConfig config, Spec spec) {
    Table.Builder table =
        Table.Builder.create(scope, id)
            .tableName(spec.tableName())
            .partitionKey(attribute(PARTITION_KEY))
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .pointInTimeRecoverySpecification(
                PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
            .deletionProtection(config.isProd())
            .removalPolicy(config.dataRemovalPolicy());
    if (spec.sortKey()) {
      table.sortKey(attribute(SORT_KEY));
    }
    if (spec.ttl()) {
      table.timeToLiveAttribute(TTL_ATTRIBUTE);
    }
    return table.build();
  }

  private static Attribute attribute(String name) {
    return Attribute.builder().name(name).type(AttributeType.STRING).build();
  }
}
