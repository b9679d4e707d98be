package dev.tally.flink.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.event.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Amazon Managed Service for Apache Flink hands an application its runtime properties in {@value
 * #FILE} (what its {@code KinesisAnalyticsRuntime} library reads): a JSON array of {@code
 * {"PropertyGroupId": …, "PropertyMap": {…}}}. The job's group is {@value #GROUP}; its keys are the
 * command's long option names without dashes, e.g. {@code stream}, {@code metrics-table}.
 */
public final class ManagedFlinkProperties {
  public static final String FILE = "/etc/flink/application_properties.json";
  public static final String GROUP = "TallyJob";

  private ManagedFlinkProperties() {}

  /** The group's properties as {@code --key=value} arguments, when the file exists. */
  public static Optional<String[]> args(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode root = Json.mapper().readTree(file.toFile());
      List<String> out = new ArrayList<>();
      for (JsonNode group : root) {
        if (GROUP.equals(group.path("PropertyGroupId").asText())) {
          group
              .path("PropertyMap")
              .fields()
              .forEachRemaining(e -> out.add("--" + e.getKey() + "=" + e.getValue().asText()));
        }
      }
      return Optional.of(out.toArray(new String[0]));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
