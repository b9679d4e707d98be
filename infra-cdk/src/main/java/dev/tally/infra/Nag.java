package dev.tally.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import java.util.List;

/** Short-hands for cdk-nag suppressions; every one must say why. */
final class Nag {

  private Nag() {}

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
