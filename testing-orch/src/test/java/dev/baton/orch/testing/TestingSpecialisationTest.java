package dev.baton.orch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.runtime.execution.DroidSelector;
import dev.baton.runtime.orchestrator.Complexity;
import dev.baton.runtime.orchestrator.DocumentKind;
import dev.baton.runtime.orchestrator.DroidProfile;
import dev.baton.runtime.orchestrator.ProducedDocument;
import dev.baton.runtime.orchestrator.Specialisation;
import dev.baton.runtime.orchestrator.SpecialisationProfile;
import dev.baton.runtime.orchestrator.Specialisations;
import dev.baton.v1.DelegationPackage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TestingSpecialisationTest {
  private final Specialisation specialisation = Specialisations.find("testing");

  @Test
  void loadsThroughServiceLoaderWithTheSeedsDescriptor() {
    SpecialisationProfile profile = specialisation.profile();

    assertThat(specialisation).isInstanceOf(TestingSpecialisation.class);
    assertThat(Specialisations.all()).hasSize(1);
    assertThat(profile.domain()).isEqualTo("testing");
    assertThat(profile.frameworks()).containsExactly("JUnit", "Playwright", "k6", "Pact");
    assertThat(profile.platforms()).isEmpty();
    assertThat(profile.expertise()).containsExactly(
        "API Integration Testing", "End-to-End Testing", "Performance Testing", "Security Testing");
    assertThat(profile.domainExpertise()).isNotEmpty();
    assertThat(profile.maxConcurrentTasks()).isEqualTo(4);
    assertThat(profile.complexity()).isEqualTo(Complexity.COMPLEX);
    assertThat(profile.droids()).extracting(DroidProfile::name)
        .containsExactly("test-automator", "e2e-tester", "performance-tester", "security-tester");
    assertThat(profile.droids()).allSatisfy(d -> assertThat(d.expertise()).isNotEmpty());
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
    assertThat(new DroidSelector(specialisation.profile().expertiseByDroid()).select(DelegationPackage.newBuilder().setTaskDescription(description).build()))
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
