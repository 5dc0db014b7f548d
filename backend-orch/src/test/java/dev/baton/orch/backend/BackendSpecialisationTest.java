package dev.baton.orch.backend;

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

/** The backend specialisation as its resources define it: descriptor, droids, classification. */
class BackendSpecialisationTest {
  private final Specialisation specialisation = Specialisations.find("backend");

  @Test
  void loadsFromItsResourcesWithTheSeedsDescriptor() {
    SpecialisationProfile profile = specialisation.profile();

    assertThat(specialisation).isInstanceOf(ResourceSpecialisation.class);
    assertThat(Specialisations.all()).hasSize(1);
    assertThat(profile.domain()).isEqualTo("backend");
    assertThat(profile.name()).isEqualTo("Backend Development Orchestrator");
    assertThat(profile.frameworks()).containsExactly("Node.js", "Express", "NestJS", "FastAPI");
    assertThat(profile.platforms()).isEmpty();
    assertThat(profile.expertise()).containsExactly("API Design", "Database", "Microservices", "Security");
    assertThat(profile.domainExpertise()).containsExactly("API architecture", "Database design",
        "Authentication/Authorization", "Microservices", "Message queues", "Caching strategies");
    assertThat(profile.maxConcurrentTasks()).isEqualTo(5);
    assertThat(profile.complexity()).isEqualTo(Complexity.COMPLEX);
    assertThat(profile.droids().list()).extracting(DroidDefinition::name).containsExactly("backend-architect",
        "backend-typescript-architect", "database-admin", "security-auditor", "api-documenter");
    assertThat(profile.droids().list()).allSatisfy(d -> assertThat(d.expertise()).isNotEmpty());
  }

  @Test
  void shipsEveryDroidAsAFactoryDefinitionWithARealPrompt() {
    assertThat(specialisation.profile().droids().list()).allSatisfy(d -> {
      assertThat(d.format()).isEqualTo(DroidDefinition.Format.FACTORY);
      assertThat(d.source()).isEqualTo("builtin:backend/" + d.name() + ".md");
      assertThat(d.description()).isNotBlank();
      assertThat(d.model()).isEqualTo("inherit");
      // A few paragraphs: what it does, how it works in the repository, what it leaves behind.
      assertThat(d.systemPrompt().split("\\n\\s*\\n")).hasSizeGreaterThanOrEqualTo(3);
      assertThat(d.systemPrompt()).contains("worktree").contains("Leave behind");
    });
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "Product API design                          | backend-architect",
    "Implement the cart service in NestJS        | backend-typescript-architect",
    "PostgreSQL schema and migrations            | database-admin",
    "JWT authentication and payment security     | security-auditor",
    "OpenAPI documentation and SDK docs          | api-documenter",
    "Order events over a message queue           | backend-architect",
  })
  void picksTheDroidWhoseExpertiseFitsTheTask(String description, String droid) {
    assertThat(new DroidSelector(specialisation.profile().droids()).select(DelegationPackage.newBuilder().setTaskDescription(description).build()))
        .isEqualTo(droid);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "api/openapi.yaml          | API_IMPLEMENTATION",
    "src/routes/cart.ts        | API_IMPLEMENTATION",
    "infra-needs.yaml          | INFRASTRUCTURE_NEEDS",
    "docker-compose.yml        | DEPLOYMENT_CONFIG",
    "db/schema.sql             | DELIVERABLE",
  })
  void classifiesItsDocumentsForSyncPoints(String name, DocumentKind kind) {
    assertThat(specialisation.classify(new ProducedDocument("t", name, "text/plain", ""))).isEqualTo(kind);
  }
}
