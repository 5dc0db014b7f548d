package dev.baton.master.conflict;

import static dev.baton.master.conflict.Docs.doc;
import static dev.baton.master.conflict.Docs.edit;
import static dev.baton.master.conflict.Docs.read;
import static dev.baton.master.conflict.Docs.state;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.master.plan.PlanModel;
import dev.baton.master.plan.PlanModel.Check;
import dev.baton.v1.CrossOrchestratorConflict;
import dev.baton.v1.SharedState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompositeConflictDetectorTest {
  /** One defect for each check: a missing path, an old Redis, a health-check mismatch. */
  private static final List<SharedState> STATES = List.of(
      state("frontend",
          doc("api_contract", "api/client.yaml", read("api/consumer-openapi.yaml")),
          doc("deployment_config", "deploy/web.yaml", read("deployment/frontend-config.yaml"))),
      state("backend",
          doc("api_implementation", "api/openapi.yaml", edit(read("api/provider.yaml"), "  /products:\n", "  /catalog:\n")),
          doc("infrastructure_needs", "infra/needs.yaml", read("infrastructure/needs.yaml")),
          doc("deployment_config", "deploy/cart-api.yaml", read("deployment/backend-config.yaml"))),
      state("devops",
          doc("infrastructure_provisions", "infra/provisions.yaml",
              edit(read("infrastructure/provisions.yaml"), "version: \"7.2.4\"", "version: \"6.2\"")),
          doc("deployment_strategy", "deploy/strategy.yaml",
              edit(read("deployment/strategy.yaml"), "healthCheckPath: /health\n", "healthCheckPath: /ready\n"))));

  private static PlanModel.SyncPoint point(Check... checks) {
    return new PlanModel.SyncPoint("Integration", List.of("frontend", "backend", "devops"), List.of("a"), List.of("b"),
        PlanModel.SyncMode.TIGHT, List.of(checks), Duration.ofMinutes(10));
  }

  @Test
  void runsOnlyTheChecksThePointNames() {
    CompositeConflictDetector detector = CompositeConflictDetector.standard();
    assertThat(detector.detect(point(Check.INFRASTRUCTURE), STATES)).extracting(CrossOrchestratorConflict::getLocation)
        .containsExactly("service redis version");
    assertThat(detector.detect(point(Check.API_CONTRACT), STATES)).extracting(CrossOrchestratorConflict::getLocation)
        .containsExactly("GET /products");
    assertThat(detector.detect(point(), STATES)).isEmpty();
  }

  @Test
  void allChecksTogetherAreSortedByCheckThenLocationWhateverTheArrivalOrder() {
    List<SharedState> reversed = new ArrayList<>(STATES);
    Collections.reverse(reversed);
    PlanModel.SyncPoint all = point(Check.DEPLOYMENT, Check.API_CONTRACT, Check.INFRASTRUCTURE);
    List<CrossOrchestratorConflict> conflicts = CompositeConflictDetector.standard().detect(all, STATES);
    assertThat(conflicts).extracting(c -> c.getCheck() + ": " + c.getLocation()).containsExactly(
        "api_contract: GET /products",
        "deployment: deployment cart-api healthCheckPath",
        "infrastructure: service redis version");
    assertThat(CompositeConflictDetector.standard().detect(all, reversed)).isEqualTo(conflicts);
  }

  @Test
  void aDetectorBugBecomesAConflictNotAnException() {
    CheckDetector broken = new CheckDetector() {
      @Override
      public Check check() {
        return Check.DEPLOYMENT;
      }

      @Override
      public List<CrossOrchestratorConflict> detect(SharedDocuments documents) {
        throw new IllegalStateException("boom");
      }
    };
    CompositeConflictDetector detector = CompositeConflictDetector.of(List.of(broken, new InfrastructureDetector()));
    assertThat(detector.detect(point(Check.DEPLOYMENT, Check.INFRASTRUCTURE), STATES))
        .extracting(c -> c.getCheck() + ": " + c.getLocation())
        .containsExactly("deployment: detector", "infrastructure: service redis version");
  }

  @Test
  void documentsNobodyPublishedGiveNoConflict() {
    List<SharedState> empty = List.of(state("frontend"), state("backend"), state("devops"));
    assertThat(CompositeConflictDetector.standard()
        .detect(point(Check.API_CONTRACT, Check.INFRASTRUCTURE, Check.DEPLOYMENT), empty)).isEmpty();
  }
}
