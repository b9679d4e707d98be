package dev.tally.dynamodb;

/** Attribute names shared by every Tally table; item-specific names live with their serializer. */
public final class Attr {
  public static final String PK = "pk";
  public static final String SK = "sk";

  /** Epoch seconds after which DynamoDB's TTL deletes the item. */
  public static final String EXPIRES_AT = "expiresAt";

  private Attr() {}
}
