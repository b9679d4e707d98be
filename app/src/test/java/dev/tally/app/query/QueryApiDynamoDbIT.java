package dev.tally.app.query;

/**
 * The query API's contract on the DynamoDB engine: the same stack with its items in DynamoDB
 * (dynalite) and its log on SQS (ElasticMQ), as {@code AWS_ENDPOINT_URL_*} selects.
 */
class QueryApiDynamoDbIT extends QueryApiContract {
  @Override
  protected TwoStores seeded() {
    return TwoStores.dynamoDb();
  }
}
