package dev.tally.infra;

import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.Table;
import software.constructs.Construct;

/** Tally's own DynamoDB tables: metric counters, stores and their keys, and ingest dedup. */
public final class DataStack extends Stack {

  private final Table metrics;
  private final Table stores;
  private final Table dedup;

  public DataStack(Construct scope, String id, StackProps props, TallyStageConfig config) {
    super(scope, id, props);
    // TTL expires the aggregator's idempotency markers that share this table with the counters.
    metrics =
        TallyTables.create(
            this,
            "Metrics",
            config,
            new TallyTables.Spec(config.resourceName("metrics"), true, true));
    stores =
        TallyTables.create(
            this,
            "Stores",
            config,
            new TallyTables.Spec(config.resourceName("stores"), false, false));
    // TTL expires ingest's messageId markers once a client can no longer retry that message.
    dedup =
        TallyTables.create(
            this, "Dedup", config, new TallyTables.Spec(config.resourceName("dedup"), false, true));
    CfnOutput.Builder.create(this, "MetricsTableName").value(metrics.getTableName()).build();
    CfnOutput.Builder.create(this, "StoresTableName").value(stores.getTableName()).build();
  }

  /** Counters (pk, sk) plus aggregator idempotency markers. */
  public Table metrics() {
    return metrics;
  }

  /** Stores and their write/read keys (pk). */
  public Table stores() {
    return stores;
  }

  /** Ingest's messageId dedup markers (pk). */
  public Table dedup() {
    return dedup;
  }
}
