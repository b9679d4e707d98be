package dev.tally.infra;

import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.Table;
import software.constructs.Construct;

/**
 * Optional ({@code -c demo=true}): the demo store's products and orders tables. The orders table
 * also holds the store's outbox items. Names are fixed by the demo store, so deploy this stack once
 * per account and region.
 */
public final class DemoStoreStack extends Stack {

  private final Table products;
  private final Table orders;

  public DemoStoreStack(Construct scope, String id, StackProps props, TallyStageConfig config) {
    super(scope, id, props);
    products =
        TallyTables.create(
            this, "Products", config, new TallyTables.Spec("tally-demo-products", false, false));
    orders =
        TallyTables.create(
            this, "Orders", config, new TallyTables.Spec("tally-demo-orders", true, false));
  }

  /** Products (pk). */
  public Table products() {
    return products;
  }

  /** Orders and outbox items (pk, sk). */
  public Table orders() {
    return orders;
  }
}
