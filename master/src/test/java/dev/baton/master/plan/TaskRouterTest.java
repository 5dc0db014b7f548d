package dev.baton.master.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskRouterTest {
  static PlanModel.Routing route(String text) {
    return TaskRouter.route(text, Places.NONE, "spec.tasks[0]", "t");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      Product catalog UI                       | frontend
      Shopping cart interface                  | frontend
      Checkout flow                            | frontend
      User account dashboard                   | frontend
      Admin product management                 | frontend
      Responsive navigation menu               | frontend
      Login page with form validation          | frontend
      Accessibility fixes in React components  | frontend
      Product API design                       | backend
      Order management system                  | backend
      Payment processing integration           | backend
      Inventory management                     | backend
      User authentication                      | backend
      Database schema migrations               | backend
      JWT token refresh endpoint               | backend
      Message queue consumers for order events | backend
      ETL job for sales reports                | backend
      Database setup (PostgreSQL)              | devops
      Redis caching layer                      | devops
      CI/CD pipeline                           | devops
      Container orchestration                  | devops
      Monitoring and logging                   | devops
      Kubernetes deployment manifests          | devops
      Terraform infrastructure for AWS         | devops
      Security hardening of the cluster        | devops
      API integration tests                    | testing
      E2E checkout flow tests                  | testing
      Performance testing                      | testing
      Security testing                         | testing
      Penetration testing of the login         | testing
      Load tests with k6                       | testing
      Unit tests for the cart reducer          | testing
      """)
  void routesTextToTheDomainWhoseExpertiseFits(String text, String domain) {
    PlanModel.Routing r = route(text);

    assertThat(r.domain()).isEqualTo(domain);
    assertThat(r.explicit()).isFalse();
    assertThat(r.reason()).startsWith("routed to " + domain + ": matched '");
  }

  @Test
  void reasonNamesTheMatchedWordsTheScoreAndTheRunnerUp() {
    assertThat(route("API integration tests").reason())
        .isEqualTo("routed to testing: matched 'integration tests' (score 0.80; next backend 0.20)");
    assertThat(route("User authentication").reason())
        .isEqualTo("routed to backend: matched 'authentication' (score 1.00)");
  }

  @Test
  void tiesGoToTheFirstDomainInDomainOrder() {
    PlanModel.Routing r = route("Dashboard API");

    assertThat(r.domain()).isEqualTo("frontend");
    assertThat(r.reason()).endsWith("(score 0.50; next backend 0.50)");
  }

  @Test
  void refusesTextNoDomainMatches() {
    assertThatThrownBy(() -> TaskRouter.route("Quarterly newsletter", Places.NONE, "spec.tasks[4]", "misc"))
        .isInstanceOf(PlanException.class)
        .hasMessage("spec.tasks[4]: 'misc': cannot route: no domain's expertise matches its text"
            + " (name one with orchestrator: frontend|backend|devops|testing)");
  }

  @Test
  void namedOrchestratorIsExplicit() {
    PlanModel.Plan plan = PlanCompiler.compileYaml("""
        apiVersion: baton.dev/v1
        kind: Plan
        metadata: {name: named}
        spec:
          tasks:
            - {id: a, description: Quarterly newsletter, orchestrator: frontend, estimate: 5m}
            - {id: b, description: Redis caching layer, estimate: 5m}
        """);

    assertThat(plan.task("a").routing()).isEqualTo(new PlanModel.Routing("frontend", "named by the plan", true, 1.0));
    assertThat(plan.task("b").routing().domain()).isEqualTo("devops");
    assertThat(plan.task("b").domain()).isEqualTo("devops");
  }

  @Test
  void domainAnalysisCountsDataAndSecurityOnTheirOwn() {
    PlanModel.Plan plan = PlanCompiler.compileYaml("""
        apiVersion: baton.dev/v1
        kind: Plan
        metadata: {name: analysis}
        spec:
          tasks:
            - {id: a, description: User authentication, estimate: 5m}
            - {id: b, description: Database schema migrations, estimate: 5m}
        """);

    assertThat(plan.analysis().domains())
        .isEqualTo(new PlanModel.DomainAnalysis(0, 0, 0, 0, 0.5, 0.5));
    assertThat(plan.tasks()).extracting(PlanModel.Task::domain).containsExactly("backend", "backend");
  }
}
