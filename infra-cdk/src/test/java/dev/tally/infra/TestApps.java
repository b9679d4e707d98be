package dev.tally.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/** Builds the app against placeholder build outputs, so tests need no other module built. */
final class TestApps {

  private TestApps() {}

  /** Writes tiny jars and static files where {@link TallyArtifacts#under} looks for them. */
  static TallyArtifacts placeholders(Path root) {
    TallyArtifacts artifacts = TallyArtifacts.under(root);
    try {
      for (Path jar :
          List.of(
              artifacts.ingestJar(),
              artifacts.aggregatorJar(),
              artifacts.queryJar(),
              artifacts.searchJar(),
              artifacts.flinkJobJar())) {
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar);
            ZipOutputStream zip = new ZipOutputStream(out)) {
          zip.putNextEntry(new ZipEntry("placeholder.txt"));
          zip.write("not a real handler".getBytes());
          zip.closeEntry();
        }
      }
      Files.createDirectories(artifacts.dashboardsDir().resolve("js"));
      Files.writeString(artifacts.dashboardsDir().resolve("index.html"), "<!doctype html>");
      Files.writeString(artifacts.dashboardsDir().resolve("js/app.3f9a2b1c.js"), "// hashed");
      Files.createDirectories(artifacts.sdkDir());
      Files.writeString(artifacts.sdkDir().resolve("tally.min.js"), "// sdk");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return artifacts.requireBuilt();
  }

  /** The stacks for {@code context}, as {@code cdk synth -c k=v ...} would build them. */
  static TallyApp.Stacks build(Path root, Map<String, String> context) {
    return build(root, context, Environment.builder().build());
  }

  /** As {@link #build(Path, Map)}, for a given account and region. */
  static TallyApp.Stacks build(Path root, Map<String, String> context, Environment environment) {
    TallyArtifacts artifacts = placeholders(root);
    Map<String, Object> ctx = new HashMap<>(context);
    App app =
        new App(AppProps.builder().context(ctx).outdir(root.resolve("cdk.out").toString()).build());
    TallyStageConfig config = TallyStageConfig.fromContext(ctx::get, root);
    return TallyApp.build(app, config, artifacts, environment);
  }

  /** Every stack the app built. */
  static List<software.amazon.awscdk.Stack> all(TallyApp.Stacks s) {
    return Stream.of(
            s.data(),
            s.pipeline(),
            s.api(),
            s.regulations(),
            s.hosting(),
            s.monitoring(),
            s.archive(),
            s.search(),
            s.demoStore(),
            s.flink())
        .filter(stack -> stack != null)
        .map(software.amazon.awscdk.Stack.class::cast)
        .toList();
  }

  /** Fails listing every AwsSolutions error that no suppression covers. */
  static void assertNoNagErrors(List<software.amazon.awscdk.Stack> stacks) {
    List<String> errors = new ArrayList<>();
    for (software.amazon.awscdk.Stack stack : stacks) {
      Template.fromStack(stack); // synthesizes, which runs the nag aspect
      for (SynthesisMessage m :
          Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))) {
        errors.add(m.getId() + ": " + m.getEntry().getData());
      }
    }
    assertThat(errors).isEmpty();
  }

  /** The actions of every IAM policy statement attached to the role with this id prefix. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> statementsOf(Template template, String roleIdPrefix) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object resource : template.findResources("AWS::IAM::Policy").values()) {
      Map<String, Object> props =
          (Map<String, Object>) ((Map<String, Object>) resource).get("Properties");
      List<Map<String, Object>> roles = (List<Map<String, Object>>) props.get("Roles");
      boolean attached =
          roles.stream().anyMatch(r -> String.valueOf(r.get("Ref")).startsWith(roleIdPrefix));
      if (attached) {
        Map<String, Object> doc = (Map<String, Object>) props.get("PolicyDocument");
        out.addAll((List<Map<String, Object>>) doc.get("Statement"));
      }
    }
    return out;
  }

  /** The actions of the statements whose resources mention {@code resourceIdPrefix}. */
  static List<String> actionsOn(List<Map<String, Object>> statements, String resourceIdPrefix) {
    return actions(
        statements.stream()
            .filter(st -> String.valueOf(st.get("Resource")).contains(resourceIdPrefix))
            .toList());
  }

  /** All actions in {@code statements}, flattened. */
  static List<String> actions(List<Map<String, Object>> statements) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> statement : statements) {
      Object action = statement.get("Action");
      if (action instanceof List<?> list) {
        list.forEach(a -> out.add(a.toString()));
      } else {
        out.add(action.toString());
      }
    }
    return out;
  }
}
