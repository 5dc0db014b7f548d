package dev.baton.orch.backend;

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

class BackendSpecialisationTest {
  private final Specialisation specialisation = Specialisations.find("backend");

  @Test
  void loadsThroughServiceLoaderWithTheSeedsDescriptor() {
    SpecialisationProfile profile = specialisation.profile();

    assertThat(specialisation).isInstanceOf(BackendSpecialisation.class);
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
    assertThat(profile.droids()).extracting(DroidProfile::name).containsExactly("backend-architect",
        "backend-typescript-architect", "database-admin", "security-auditor", "api-documenter");
    assertThat(profile.droids()).allSatisfy(d -> assertThat(d.expertise()).isNotEmpty());
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
    assertThat(new DroidSelector(specialisation.profile().expertiseByDroid()).select(DelegationPackage.newBuilder().setTaskDescription(description).build()))
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
