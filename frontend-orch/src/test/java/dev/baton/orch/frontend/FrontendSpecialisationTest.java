package dev.baton.orch.frontend;

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

/** The frontend specialisation as its resources define it: descriptor, droids, classification. */
class FrontendSpecialisationTest {
  private final Specialisation specialisation = Specialisations.find("frontend");

  @Test
  void loadsFromItsResourcesWithTheSeedsDescriptor() {
    SpecialisationProfile profile = specialisation.profile();

    assertThat(specialisation).isInstanceOf(ResourceSpecialisation.class);
    assertThat(Specialisations.all()).hasSize(1);
    assertThat(profile.domain()).isEqualTo("frontend");
    assertThat(profile.name()).isEqualTo("Frontend Development Orchestrator");
    assertThat(profile.frameworks()).containsExactly("React", "Next.js", "Vue", "Angular");
    assertThat(profile.platforms()).isEmpty();
    assertThat(profile.expertise()).containsExactly("UI/UX", "Performance", "Accessibility", "State Management");
    assertThat(profile.domainExpertise()).containsExactly("Component architecture", "State management",
        "CSS/Styling", "Performance optimization", "Accessibility compliance", "Responsive design");
    assertThat(profile.maxConcurrentTasks()).isEqualTo(5);
    assertThat(profile.complexity()).isEqualTo(Complexity.COMPLEX);
    assertThat(profile.droids().list()).extracting(DroidDefinition::name)
        .containsExactly("frontend-developer", "ui-ux-designer", "performance-engineer", "mobile-developer");
    assertThat(profile.droids().list()).allSatisfy(d -> assertThat(d.expertise()).isNotEmpty());
  }

  @Test
  void shipsEveryDroidAsAFactoryDefinitionWithARealPrompt() {
    assertThat(specialisation.profile().droids().list()).allSatisfy(d -> {
      assertThat(d.format()).isEqualTo(DroidDefinition.Format.FACTORY);
      assertThat(d.source()).isEqualTo("builtin:frontend/" + d.name() + ".md");
      assertThat(d.description()).isNotBlank();
      assertThat(d.model()).isEqualTo("inherit");
      // A few paragraphs: what it does, how it works in the repository, what it leaves behind.
      assertThat(d.systemPrompt().split("\\n\\s*\\n")).hasSizeGreaterThanOrEqualTo(3);
      assertThat(d.systemPrompt()).contains("worktree").contains("Leave behind");
    });
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "Product catalog UI components in React      | frontend-developer",
    "Shopping cart page with state management    | frontend-developer",
    "Design system and wireframes for checkout   | ui-ux-designer",
    "WCAG 2.1 AA accessibility review            | ui-ux-designer",
    "Optimise bundle size and lazy loading       | performance-engineer",
    "Mobile PWA for iOS and Android              | mobile-developer",
  })
  void picksTheDroidWhoseExpertiseFitsTheTask(String description, String droid) {
    assertThat(new DroidSelector(specialisation.profile().droids()).select(DelegationPackage.newBuilder().setTaskDescription(description).build()))
        .isEqualTo(droid);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "api/openapi.yaml          | API_CONTRACT",
    "src/api-client.ts         | API_CONTRACT",
    "Dockerfile                | DEPLOYMENT_CONFIG",
    "next.config.js            | DEPLOYMENT_CONFIG",
    "src/components/Cart.tsx   | DELIVERABLE",
  })
  void classifiesItsDocumentsForSyncPoints(String name, DocumentKind kind) {
    assertThat(specialisation.classify(new ProducedDocument("t", name, "text/plain", ""))).isEqualTo(kind);
  }
}
