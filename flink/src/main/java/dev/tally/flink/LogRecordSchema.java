package dev.tally.flink;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.connectors.kinesis.serialization.KinesisDeserializationSchema;

/** Keeps each Kinesis record's bytes as they are, with where it came from; decoding comes next. */
public final class LogRecordSchema implements KinesisDeserializationSchema<LogRecord> {
  private static final long serialVersionUID = 1L;

  @Override
  public LogRecord deserialize(
      byte[] data,
      String partitionKey,
      String sequenceNumber,
      long approximateArrivalTimestamp,
      String stream,
      String shardId) {
    return new LogRecord(shardId + "/" + sequenceNumber, partitionKey, data);
  }

  @Override
  public TypeInformation<LogRecord> getProducedType() {
    return TypeInformation.of(LogRecord.class);
  }
}
