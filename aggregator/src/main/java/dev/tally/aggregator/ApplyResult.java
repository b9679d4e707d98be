package dev.tally.aggregator;

/**
 * What applying a batch did.
 *
 * @param counted events whose effect was written now
 * @param alreadyCounted events skipped because their message id was already counted
 * @param transactions TransactWriteItems calls that committed
 * @param writeRequests DynamoDB write requests made (transactions, puts, updates)
 * @param writeUnits write capacity units consumed, as DynamoDB reported them
 * @param rejected events that can never be applied, kept as bad events
 */
public record ApplyResult(
    int counted,
    int alreadyCounted,
    int transactions,
    int writeRequests,
    double writeUnits,
    int rejected) {
  public ApplyResult(
      int counted, int alreadyCounted, int transactions, int writeRequests, double writeUnits) {
    this(counted, alreadyCounted, transactions, writeRequests, writeUnits, 0);
  }

  public ApplyResult plus(ApplyResult o) {
    return new ApplyResult(
        counted + o.counted,
        alreadyCounted + o.alreadyCounted,
        transactions + o.transactions,
        writeRequests + o.writeRequests,
        writeUnits + o.writeUnits,
        rejected + o.rejected);
  }

  public static ApplyResult empty() {
    return new ApplyResult(0, 0, 0, 0, 0, 0);
  }
}
