package dev.tally.aggregator.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SqsDeadLettersTest {
  @Test
  void textBodies_stayReadable_binaryAndControlCharactersAreRefused() {
    assertThat(SqsDeadLetters.sqsText("{\"v\":9,\"é\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("{\"v\":9,\"é\":\"x\"}");
    assertThat(SqsDeadLetters.sqsText(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1})).isNull();
    assertThat(SqsDeadLetters.sqsText("a\u0000b".getBytes(StandardCharsets.UTF_8))).isNull();
  }
}
