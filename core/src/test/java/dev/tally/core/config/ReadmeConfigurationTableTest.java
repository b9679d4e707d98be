package dev.tally.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's configuration table lists exactly {@link TallyConfig#SETTINGS}, same defaults. */
class ReadmeConfigurationTableTest {
  private static final Pattern ROW = Pattern.compile("^\\| `(TALLY_[A-Z_]+)` \\| ([^|]+) \\|");

  @Test
  void readmeTable_matchesTallyConfigSettings() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    String section = readme.substring(readme.indexOf("## Configuration"));
    section = section.substring(0, section.indexOf("\n## ", 5));
    Map<String, String> documented = new LinkedHashMap<>();
    for (String line : section.split("\n")) {
      Matcher m = ROW.matcher(line);
      if (m.find()) {
        documented.put(m.group(1), m.group(2).trim().replace("`", ""));
      }
    }
    Map<String, String> settings = new LinkedHashMap<>();
    TallyConfig.SETTINGS.forEach(s -> settings.put(s.name(), s.defaultValue()));

    assertThat(documented).containsExactlyEntriesOf(settings);
  }
}
