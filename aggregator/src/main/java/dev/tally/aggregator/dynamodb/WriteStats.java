package dev.tally.aggregator.dynamodb;

import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;

/** Write requests and units of one apply call, for logs and the write-cost benchmark. */
final class WriteStats {
  int requests;
  double units;

  void record(ConsumedCapacity c) {
    requests++;
    if (c != null && c.capacityUnits() != null) {
      units += c.capacityUnits();
    }
  }

  void record(java.util.List<ConsumedCapacity> cs) {
    requests++;
    if (cs != null) {
      for (ConsumedCapacity c : cs) {
        if (c.capacityUnits() != null) {
          units += c.capacityUnits();
        }
      }
    }
  }
}
