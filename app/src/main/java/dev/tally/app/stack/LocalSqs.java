package dev.tally.app.stack;

import java.net.URI;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** ElasticMQ in this process on a loopback port, with the event queue and its dead-letter queue. */
final class LocalSqs implements AutoCloseable {
  static final String QUEUE = "tally-events";
  static final String DLQ = "tally-events-dlq";

  private final SQSRestServer server;
  final URI endpoint;

  private LocalSqs(SQSRestServer server, URI endpoint) {
    this.server = server;
    this.endpoint = endpoint;
  }

  static LocalSqs start() {
    SQSRestServer server =
        SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    int port = server.waitUntilStarted().localAddress().getPort();
    return new LocalSqs(server, URI.create("http://127.0.0.1:" + port));
  }

  /** Creates both queues if missing; returns {queueUrl, dlqUrl}. */
  static String[] createQueues(SqsClient sqs) {
    String dlqUrl = sqs.createQueue(b -> b.queueName(DLQ)).queueUrl();
    String dlqArn =
        sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    String queueUrl =
        sqs.createQueue(
                b ->
                    b.queueName(QUEUE)
                        .attributes(
                            Map.of(
                                QueueAttributeName.VISIBILITY_TIMEOUT,
                                "30",
                                QueueAttributeName.REDRIVE_POLICY,
                                "{\"deadLetterTargetArn\":\""
                                    + dlqArn
                                    + "\",\"maxReceiveCount\":\"5\"}")))
            .queueUrl();
    return new String[] {queueUrl, dlqUrl};
  }

  @Override
  public void close() {
    server.stopAndWait();
  }
}
