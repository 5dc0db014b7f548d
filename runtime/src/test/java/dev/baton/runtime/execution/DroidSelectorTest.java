package dev.baton.runtime.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.runtime.server.BatonException;
import dev.baton.v1.DelegationPackage;
import io.grpc.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DroidSelectorTest {
  private static final Map<String, List<String>> DROIDS = new LinkedHashMap<>();

  static {
    DROIDS.put("backend-architect", List.of("api", "architecture", "microservice", "design", "caching"));
    DROIDS.put("database-admin", List.of("database", "schema", "postgresql", "migration", "data model"));
    DROIDS.put("security-auditor", List.of("security", "authentication", "jwt", "payment"));
    DROIDS.put("api-documenter", List.of("openapi", "documentation", "api reference"));
  }

  private final DroidSelector selector = new DroidSelector(DROIDS);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "Product API design                              | backend-architect",
    "Design the PostgreSQL schema and migrations     | database-admin",
    "JWT authentication for the payment flow         | security-auditor",
    "Write the OpenAPI documentation                 | api-documenter",
    "Catalog data model for products                 | database-admin",
    "Split the monolith into microservices           | backend-architect",
    "Something nobody claims                         | backend-architect",
    "API reference                                   | api-documenter",
  })
  void picksTheDroidWhoseExpertiseFitsBest(String description, String expected) {
    DelegationPackage task = DelegationPackage.newBuilder().setTaskDescription(description).build();

    assertThat(selector.select(task)).isEqualTo(expected);
  }

  @Test
  void readsRequirementsAndDeliverablesToo() {
    DelegationPackage task = DelegationPackage.newBuilder()
        .setTaskDescription("Cart service")
        .addRequirements("migration scripts")
        .addExpectedDeliverables("db/schema.sql")
        .build();

    assertThat(selector.select(task)).isEqualTo("database-admin");
  }

  @Test
  void aSpecificPhraseOutweighsASingleWord() {
    assertThat(selector.scores("API reference for the api"))
        .containsEntry("backend-architect", 1)
        .containsEntry("api-documenter", 2);
  }

  @Test
  void takesTheDroidThePlanNames() {
    DelegationPackage task = DelegationPackage.newBuilder()
        .setTaskDescription("Design the PostgreSQL schema").setDroid("security-auditor").build();

    assertThat(selector.select(task)).isEqualTo("security-auditor");
  }

  @Test
  void refusesAnUnknownDroidListingTheKnownOnes() {
    DelegationPackage task = DelegationPackage.newBuilder().setDroid("frontend-developer").build();

    assertThatThrownBy(() -> selector.select(task))
        .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessage("droid: unknown droid 'frontend-developer' (expected one of: backend-architect, "
            + "database-admin, security-auditor, api-documenter)");
  }
}
