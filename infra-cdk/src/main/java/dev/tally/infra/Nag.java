package dev.tally.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import java.util.List;

/** Short-hands for cdk-nag suppressions; every one must say why. */
final class Nag {

  /**
   * The wildcard actions of the CDK's read/write grant on a bucket's objects, as cdk-nag names
   * them.
   */
  static final List<String> S3_READ_WRITE_ACTIONS =
      List.of(
          "Action::s3:Abort*",
          "Action::s3:DeleteObject*",
          "Action::s3:GetBucket*",
          "Action::s3:GetObject*",
          "Action::s3:List*");

  private Nag() {}

  /** {@code first} then {@code more}, for an appliesTo list. */
  static List<Object> appliesTo(List<?> first, Object... more) {
    List<Object> all = new java.util.ArrayList<>(first);
    all.addAll(List.of(more));
    return all;
  }

  /** Suppresses rule {@code id} on a resource, for the written {@code reason}. */
  static NagPackSuppression suppress(String id, String reason) {
    return NagPackSuppression.builder().id(id).reason(reason).build();
  }

  /**
   * Suppresses rule {@code id} only for the listed findings: strings such as {@code "Resource::*"},
   * or a {@link io.github.cdklabs.cdknag.RegexAppliesTo}.
   */
  static NagPackSuppression suppress(String id, String reason, List<?> appliesTo) {
    return NagPackSuppression.builder()
        .id(id)
        .reason(reason)
        .appliesTo(List.<Object>copyOf(appliesTo))
        .build();
  }
}
