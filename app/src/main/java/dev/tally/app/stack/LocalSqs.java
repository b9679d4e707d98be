package dev.tally.app.stack;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.apache.pekko.actor.Terminated;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.server.ElasticMQServer;
import org.elasticmq.server.config.ElasticMQServerConfig;
import scala.Function0;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * ElasticMQ in this process on a loopback port, with the event queue and its dead-letter queue.
 * With a data directory, queues and messages are kept in an H2 file there (ElasticMQ's own message
 * storage), so events accepted but not yet aggregated survive a crash of the process.
 */
final class LocalSqs implements AutoCloseable {
  static final String QUEUE = "tally-events";
  static final String DLQ = "tally-events-dlq";

  private final Runnable stop;
  final URI endpoint;

  private LocalSqs(Runnable stop, URI endpoint) {
    this.stop = stop;
    this.endpoint = endpoint;
  }

  /** An in-memory queue server (tests, {@code --in-memory}). */
  static LocalSqs start() {
    SQSRestServer server =
        SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    int port = server.waitUntilStarted().localAddress().getPort();
    return new LocalSqs(server::stopAndWait, URI.create("http://127.0.0.1:" + port));
  }

  /** A queue server whose queues and messages persist under {@code dataDir}. */
  static LocalSqs startPersistent(Path dataDir) {
    int port = freePort();
    String h2 = dataDir.toAbsolutePath().resolve("elasticmq").toString().replace('\\', '/');
    Config config =
        ConfigFactory.parseString(
                String.join(
                    "\n",
                    "node-address { protocol = http, host = \"127.0.0.1\", port = "
                        + port
                        + ", context-path = \"\" }",
                    "rest-sqs { enabled = true, bind-port = "
                        + port
                        + ", bind-hostname = \"127.0.0.1\", sqs-limits = strict }",
                    "generate-node-address = false",
                    "messages-storage { enabled = true, driver-class = \"org.h2.Driver\","
                        + " uri = \"jdbc:h2:file:"
                        + h2
                        + "\", username = \"\", password = \"\", prune-data-on-init = false }"))
            .withFallback(ConfigFactory.load());
    Function0<Terminated> shutdown = new ElasticMQServer(new ElasticMQServerConfig(config)).start();
    awaitListening(port);
    return new LocalSqs(shutdown::apply, URI.create("http://127.0.0.1:" + port));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void awaitListening(int port) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException e) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    throw new IllegalStateException("ElasticMQ did not start on port " + port);
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
    stop.run();
  }
}
