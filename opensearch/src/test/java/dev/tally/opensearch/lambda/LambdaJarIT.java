package dev.tally.opensearch.lambda;

import dev.tally.testkit.LambdaJarProbe;
import org.junit.jupiter.api.Test;

/**
 * The shaded Lambda jar, loaded alone: an SLF4J provider, root at INFO, JSON lines with the Lambda
 * request id, EMF metrics. A failsafe IT, so it runs after the package phase built the jar.
 */
class LambdaJarIT {
  @Test
  void lambdaJar_logsJsonWithTheRequestIdAtInfo_andEmitsEmf() throws Exception {
    LambdaJarProbe.verify(LambdaJarProbe.target("tally-opensearch-lambda.jar"));
  }
}
