package dev.baton.orch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.runtime.execution.DroidSelector;
import dev.baton.runtime.orchestrator.Complexity;
import dev.baton.runtime.orchestrator.DocumentKind;
import dev.baton.runtime.orchestrator.ProducedDocument;
import dev.baton.runtime.orchestrator.ResourceSpecialisation;
import dev.baton.runtime.orchestrator.Specialisation;
import dev.baton.runtime.orchestrator.SpecialisationProfile;
import dev.baton.runtime.orchestrator.Specialisations;
import dev.baton.v1.DelegationPackage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The testing specialisation as its resources define it: descriptor, droids, classification. */
class TestingSpecialisationTest {
  private final Specialisation specialisation = Specialisations.find("testing");

  @Test
  void loadsFromItsResourcesWithTheSeedsDescriptor() {
    SpecialisationProfile profile = specialisation.profile();

    assertThat(specialisation).isInstanceOf(ResourceSpecialisation.class);
    assertThat(Specialisations.all()).hasSize(1);
    assertThat(profile.domain()).isEqualTo("testing");
    assertThat(profile.frameworks()).containsExactly("JUnit", "Playwright", "k6", "Pact");
    assertThat(profile.platforms()).isEmpty();
    assertThat(profile.expertise()).containsExactly(
        "API Integration Testing", "End-to-End Testing", "Performance Testing", "Security Testing");
    assertThat(profile.domainExpertise()).isNotEmpty();
    assertThat(profile.maxConcurrentTasks()).isEqualTo(4);
    assertThat(profile.complexity()).isEqualTo(Complexity.COMPLEX);
    assertThat(profile.droids().list()).extracting(DroidDefinition::name)
        .containsExactly("test-automator", "e2e-tester", "performance-tester", "security-tester");
    assertThat(profile.droids().list()).allSatisfy(d -> assertThat(d.expertise()).isNotEmpty());
  }

  @Test
  void shipsEveryDroidAsAFactoryDefinitionWithARealPrompt() {
    assertThat(specialisation.profile().droids().list()).allSatisfy(d -> {
      assertThat(d.format()).isEqualTo(DroidDefinition.Format.FACTORY);
      assertThat(d.source()).isEqualTo("builtin:testing/" + d.name() + ".md");
      assertThat(d.description()).isNotBlank();
      assertThat(d.model()).isEqualTo("inherit");
      // A few paragraphs: what it does, how it works in the repository, what it leaves behind.
      assertThat(d.systemPrompt().split("\\n\\s*\\n")).hasSizeGreaterThanOrEqualTo(3);
      assertThat(d.systemPrompt()).contains("worktree").contains("Leave behind");
    });
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "API integration tests with Pact contracts   | test-automator",
    "End to end checkout flow in Playwright      | e2e-tester",
    "k6 load test of catalog reads at p99        | performance-tester",
    "OWASP security scan and XSS fuzzing         | security-tester",
    "Unit test coverage for the cart             | test-automator",
  })
  void picksTheDroidWhoseExpertiseFitsTheTask(String description, String droid) {
    assertThat(new DroidSelector(specialisation.profile().droids()).select(DelegationPackage.newBuilder().setTaskDescription(description).build()))
        .isEqualTo(droid);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "reports/junit.xml         | TEST_REPORT",
    "k6-results.json           | TEST_REPORT",
    "coverage/index.html       | TEST_REPORT",
    "tests/checkout.spec.ts    | DELIVERABLE",
  })
  void classifiesItsDocumentsForSyncPoints(String name, DocumentKind kind) {
    assertThat(specialisation.classify(new ProducedDocument("t", name, "text/plain", ""))).isEqualTo(kind);
  }
}
