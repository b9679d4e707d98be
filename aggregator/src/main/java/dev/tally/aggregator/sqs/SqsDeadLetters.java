package dev.tally.aggregator.sqs;

import dev.tally.aggregator.DeadLetters;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Dead letters on an SQS queue: the body as received (Base64 when it is not text SQS accepts), with
 * {@code error}, {@code source} and {@code encoding} message attributes.
 */
public final class SqsDeadLetters implements DeadLetters {
  private final SqsClient sqs;
  private final String queueUrl;

  public SqsDeadLetters(SqsClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  @Override
  public void keep(String sourceId, byte[] body, String reason) {
    String text = sqsText(body);
    String encoding = text != null ? "utf-8" : "base64";
    String payload = text != null ? text : Base64.getEncoder().encodeToString(body);
    sqs.sendMessage(
        b ->
            b.queueUrl(queueUrl)
                .messageBody(payload.isEmpty() ? "(empty)" : payload)
                .messageAttributes(
                    Map.of(
                        "error",
                            attr(reason.length() > 1_000 ? reason.substring(0, 1_000) : reason),
                        "source", attr(sourceId),
                        "encoding", attr(encoding))));
  }

  /** The body as a string when it is UTF-8 with only the characters SQS allows, else null. */
  static String sqsText(byte[] body) {
    String s;
    try {
      s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xFFFE || c == 0xFFFF) {
        return null;
      }
    }
    return s;
  }

  private static MessageAttributeValue attr(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }
}
