package dev.baton.master.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The example plans users run: examples/ecommerce.yaml (the seed's platform) and examples/hello.yaml. */
class ExamplePlansTest {
  static final Path EXAMPLES = Path.of("../examples");
  static PlanModel.Plan ecommerce;

  @BeforeAll
  static void compileEcommerce() throws IOException {
    ecommerce = PlanCompiler.compileYaml(Files.readString(EXAMPLES.resolve("ecommerce.yaml")));
  }

  @Test
  void ecommerceHasTheSeedsTasksAndMinutesPerOrchestrator() {
    assertThat(ecommerce.analysis().assignments())
        .extracting(PlanModel.Assignment::domain, a -> a.taskIds().size(), PlanModel.Assignment::estimatedMinutes)
        .containsExactly(
            tuple("frontend", 5, 120.0), tuple("backend", 5, 150.0), tuple("devops", 5, 90.0), tuple("testing", 4, 75.0));
    assertThat(ecommerce.analysis().sequentialMinutes()).isEqualTo(435);
    assertThat(ecommerce.tasks()).extracting(PlanModel.Task::description).contains(
        "Product catalog UI", "Shopping cart interface", "Checkout flow", "User account dashboard",
        "Admin product management", "Product API design", "Order management system",
        "Payment processing integration", "Inventory management", "User authentication",
        "Database setup (PostgreSQL)", "Redis caching layer", "CI/CD pipeline", "Container orchestration",
        "Monitoring and logging", "API integration tests", "E2E checkout flow tests", "Performance testing",
        "Security testing");
    assertThat(ecommerce.strategy()).isEqualTo(PlanModel.Strategy.HYBRID_PARALLEL_SEQUENTIAL);
  }

  @Test
  void ecommerceHasTheSeedsSyncPoints() {
    assertThat(ecommerce.syncPoints())
        .extracting(PlanModel.SyncPoint::name, PlanModel.SyncPoint::participants, PlanModel.SyncPoint::checks)
        .containsExactly(
            tuple("API Contract Agreement", List.of("frontend", "backend"), List.of(PlanModel.Check.API_CONTRACT)),
            tuple("Infrastructure Ready", List.of("backend", "devops"), List.of(PlanModel.Check.INFRASTRUCTURE)),
            tuple("Integration Testing", List.of("frontend", "backend", "testing"),
                List.of(PlanModel.Check.API_CONTRACT, PlanModel.Check.DEPLOYMENT)));
    // "After backend API design, before frontend implementation".
    assertThat(ecommerce.syncPoints().get(0).after()).containsExactly("product-api-design");
    assertThat(ecommerce.syncPoints().get(0).before())
        .containsExactlyInAnyOrderElementsOf(ecommerce.analysis().assignments().get(0).taskIds());
  }

  @Test
  void ecommerceLevelsCriticalPathAndMakespan() {
    assertThat(ecommerce.analysis().levels()).extracting(PlanModel.Level::taskIds).containsExactly(
        List.of("product-api-design", "database-setup", "redis-cache", "ci-cd-pipeline"),
        List.of("catalog-ui", "account-dashboard-ui", "order-management", "inventory-management", "user-auth",
            "container-orchestration"),
        List.of("cart-ui", "admin-product-ui", "payment-integration", "monitoring-logging"),
        List.of("checkout-ui", "api-integration-tests"),
        List.of("e2e-checkout-tests", "performance-testing", "security-testing"));
    assertThat(ecommerce.analysis().criticalPath()).containsExactly(
        "product-api-design", "order-management", "payment-integration", "checkout-ui", "e2e-checkout-tests");
    assertThat(ecommerce.analysis().criticalPathMinutes()).isEqualTo(145);
    // hybrid: each orchestrator one task at a time; well below the sequential 435.
    assertThat(ecommerce.analysis().estimatedMakespanMinutes()).isEqualTo(215);
  }

  @Test
  void withoutNamedOrchestratorsEveryEcommerceTaskIsRoutedWhereThePlanPutsIt() {
    dev.baton.v1.Plan proto = PlanProtos.toProto(ecommerce);
    var spec = proto.getSpec().toBuilder();
    spec.getTasksBuilderList().forEach(t -> t.clearOrchestrator());

    PlanModel.Plan routed = PlanCompiler.compile(proto.toBuilder().setSpec(spec).build());

    for (PlanModel.Task task : routed.tasks()) {
      assertThat(task.routing().explicit()).isFalse();
      assertThat(task.domain()).as("%s: %s", task.id(), task.routing().reason())
          .isEqualTo(ecommerce.task(task.id()).domain());
    }
  }

  @Test
  void ecommerceUnderParallelReachesItsCriticalPath() {
    dev.baton.v1.Plan proto = PlanProtos.toProto(ecommerce);
    dev.baton.v1.Plan parallel = proto.toBuilder()
        .setSpec(proto.getSpec().toBuilder().setStrategy("parallel"))
        .build();

    assertThat(PlanCompiler.compile(parallel).analysis().estimatedMakespanMinutes()).isEqualTo(145);
  }

  @Test
  void ecommerceDomainAnalysisCoversEveryDomain() {
    PlanModel.DomainAnalysis d = ecommerce.analysis().domains();
    assertThat(List.of(d.frontend(), d.backend(), d.devops(), d.testing(), d.data(), d.security()))
        .allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
    assertThat(d.frontend() + d.backend() + d.devops() + d.testing() + d.data() + d.security())
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(List.of(d.frontend(), d.backend(), d.devops(), d.testing())).allSatisfy(v -> assertThat(v).isPositive());
  }

  @Test
  void helloRunsOneRealCommand() throws IOException {
    PlanModel.Plan hello = PlanCompiler.compileYaml(Files.readString(EXAMPLES.resolve("hello.yaml")));

    assertThat(hello.tasks()).hasSize(3);
    assertThat(hello.tasks()).filteredOn(t -> t.run().isPresent())
        .singleElement()
        .satisfies(t -> {
          assertThat(t.run()).contains("echo hello > hello.txt");
          assertThat(t.deliverables()).containsExactly("hello.txt");
        });
  }
}
