package dev.tally.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.error.PayloadTooLargeException;
import dev.tally.core.error.UnsupportedMediaTypeException;
import dev.tally.core.error.ValidationException;
import dev.tally.core.event.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Checks media type, encoding and size, then parses the body as strict UTF-8 JSON. */
final class BodyReader {
  private final int maxBytes;

  BodyReader(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** A parsed request body and its size in bytes after decompression. */
  record Body(JsonNode json, int bytes) {}

  Body read(IngestRequest req) {
    // Refuse an oversize body before any work on it, compressed or not.
    if (req.body().length > maxBytes) {
      throw tooLarge(req.body().length);
    }
    checkMediaType(req.contentType());
    byte[] raw = decode(req.body(), req.contentEncoding());
    if (raw.length > maxBytes) {
      throw tooLarge(raw.length);
    }
    if (raw.length == 0) {
      throw new ValidationException("malformed_json", "request body is empty");
    }
    checkUtf8(raw);
    JsonNode node;
    try {
      node = Json.mapper().readTree(raw);
    } catch (StreamConstraintsException e) {
      throw new ValidationException(
          "malformed_json", "JSON is nested deeper than " + Json.MAX_NESTING + " levels");
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new ValidationException(
          "malformed_json",
          "request body is not valid JSON" + where + ": " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ValidationException("malformed_json", "request body could not be read");
    }
    if (node == null || !node.isObject()) {
      throw new ValidationException("malformed_json", "request body must be a JSON object");
    }
    return new Body(node, raw.length);
  }

  /** Jackson's message without its source-location tail. */
  private static String firstLine(String message) {
    if (message == null) {
      return "syntax error";
    }
    int cut = message.indexOf(" (start marker");
    String m = cut > 0 ? message.substring(0, cut) : message;
    return m.split("\n", 2)[0].trim();
  }

  private static void checkMediaType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return; // Some server-side clients omit it; the body must still be JSON.
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!type.equals("application/json") && !type.equals("text/plain")) {
      throw new UnsupportedMediaTypeException(
          "Content-Type '"
              + type
              + "' is not supported; send application/json (or text/plain"
              + " JSON from navigator.sendBeacon)");
    }
    String lower = contentType.toLowerCase(Locale.ROOT);
    int cs = lower.indexOf("charset=");
    if (cs >= 0) {
      String charset = lower.substring(cs + 8).split(";", 2)[0].trim().replace("\"", "");
      if (!charset.equals("utf-8") && !charset.equals("utf8")) {
        throw new UnsupportedMediaTypeException(
            "charset '" + charset + "' is not supported; use UTF-8");
      }
    }
  }

  private byte[] decode(byte[] body, String encoding) {
    if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
      return body;
    }
    if (!encoding.trim().equalsIgnoreCase("gzip")) {
      throw new UnsupportedMediaTypeException(
          "Content-Encoding '" + encoding + "' is not supported; use gzip or none");
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        if (out.size() > maxBytes) {
          throw tooLarge(out.size());
        }
      }
      return out.toByteArray();
    } catch (ZipException | java.io.EOFException e) {
      throw new ValidationException(
          "bad_gzip", "request body is not valid gzip: " + e.getMessage());
    } catch (IOException e) {
      throw new ValidationException("bad_gzip", "request body could not be decompressed");
    }
  }

  private static void checkUtf8(byte[] raw) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw));
    } catch (CharacterCodingException e) {
      throw new ValidationException("invalid_utf8", "request body is not valid UTF-8");
    }
  }

  private PayloadTooLargeException tooLarge(int size) {
    return new PayloadTooLargeException(
        "request body is "
            + (size > maxBytes ? "over " : "")
            + maxBytes / 1024
            + " KB; the limit is "
            + maxBytes / 1024
            + " KB (send fewer events per batch)");
  }
}
