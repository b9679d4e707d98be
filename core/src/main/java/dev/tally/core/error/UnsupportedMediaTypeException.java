package dev.tally.core.error;

/** A request body in a content type or encoding Tally does not read. */
public class UnsupportedMediaTypeException extends ValidationException {
  public UnsupportedMediaTypeException(String message) {
    super("unsupported_media_type", message);
  }
}
