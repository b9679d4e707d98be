package dev.tally.core.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The core stays a pure library (a Flink job can call it unchanged): no AWS, no HTTP. */
class CorePurityTest {
  private final JavaClasses core =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.tally.core");

  @Test
  void core_importsNoAwsHttpOrServerClasses() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "software.amazon..",
            "com.amazonaws..",
            "io.javalin..",
            "org.eclipse.jetty..",
            "java.net.http..")
        .check(core);
  }

  @Test
  void core_mapsNoExceptionToAnHttpStatus() {
    // That is the transport's job: dev.tally.http.ApiError, the one mapping.
    noClasses()
        .should()
        .haveSimpleNameEndingWith("ApiError")
        .orShould()
        .haveSimpleNameContaining("HttpStatus")
        .check(core);
  }

  @Test
  void core_dependsOnNoOtherTallyModule() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.tally.ingest..",
            "dev.tally.aggregator..",
            "dev.tally.query..",
            "dev.tally.dynamodb..",
            "dev.tally.app..")
        .check(core);
  }
}
