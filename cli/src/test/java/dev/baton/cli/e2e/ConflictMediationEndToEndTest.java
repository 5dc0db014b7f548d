package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.cli.mesh.Mesh;
import dev.baton.v1.CrossOrchestratorConflict;
import dev.baton.v1.GetDashboardRequest;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.SubmitPlanResponse;
import dev.baton.v1.SyncPointChecked;
import dev.baton.v1.SyncResult;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * examples/ecommerce-conflicts.yaml through separate processes: the three seeded conflicts are
 * detected from the real documents, remediated by the orchestrator the policy names (the real sim
 * droid writes the corrected documents), re-checked clean, and the plan succeeds. Judged from the
 * event stream alone.
 */
@ExtendWith(SharedMesh.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConflictMediationEndToEndTest {
  private MasterApi api;
  private List<PlanEvent> events;
  /** Unresolved conflicts the shared mesh had counted before this plan (other classes' plans). */
  private long unresolvedBefore;

  @BeforeAll
  void runThePlan(Mesh mesh) throws Exception {
    api = new MasterApi(mesh.masterAddress());
    String yaml = Files.readString(TestPaths.example("ecommerce-conflicts.yaml"));
    unresolvedBefore = api.call().getDashboard(GetDashboardRequest.getDefaultInstance())
        .getDashboard().getCrossOrchestratorMetrics().getConflictsUnresolved();
    SubmitPlanResponse submitted =
        api.call().submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml).setTimeScale(0.001).build());
    events = api.watch(submitted.getPlanId()).awaitEnd(90);
  }

  @AfterAll
  void closeClient() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void planSucceedsAfterMediation() {
    PlanEvent last = events.get(events.size() - 1);
    assertThat(last.getPlanFinished().getState()).as(last.getPlanFinished().getReason())
        .isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
  }

  @Test
  void dashboardCountsTheConflictsAndTheirResolution() {
    var metrics = api.call().getDashboard(GetDashboardRequest.getDefaultInstance())
        .getDashboard().getCrossOrchestratorMetrics();

    // The mesh is shared with other test classes (SyncModesEndToEndTest leaves an eventual
    // conflict unresolved): at least ours, and ours left nothing unresolved.
    assertThat(metrics.getCrossOrchestratorConflicts()).isGreaterThanOrEqualTo(3);
    assertThat(metrics.getConflictsResolved()).isGreaterThanOrEqualTo(3);
    assertThat(metrics.getConflictsUnresolved()).isEqualTo(unresolvedBefore);
    assertThat(metrics.getTotalSynchronizations()).isGreaterThanOrEqualTo(3);
    assertThat(metrics.getAvgSyncTime()).isPositive();
  }

  @Test
  void eachConflictIsDetectedOnceWithTheSideThatMustChange() {
    List<CrossOrchestratorConflict> first = checks().stream().filter(c -> c.getRound() == 1)
        .flatMap(c -> c.getConflictsList().stream()).toList();
    assertThat(first).extracting(CrossOrchestratorConflict::getCheck, CrossOrchestratorConflict::getLocation,
            CrossOrchestratorConflict::getMustChange, CrossOrchestratorConflict::getPolicy)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("api_contract", "GET /carts/{cartId} response 200 field total",
                "frontend", "provider_wins"),
            org.assertj.core.groups.Tuple.tuple("infrastructure", "service redis version", "devops", "consumer_wins"),
            org.assertj.core.groups.Tuple.tuple("infrastructure", "port 3000", "devops", "consumer_wins"));
  }

  @Test
  void remediationRunsBetweenTheFirstCheckAndACleanRecheck() {
    Map<String, Long> seq = events.stream().filter(PlanEvent::hasTaskSucceeded).collect(Collectors.toMap(
        e -> e.getTaskSucceeded().getTaskId(), PlanEvent::getSequence, (a, b) -> a));
    for (String[] p : new String[][] {
        {"API Contract Agreement", "api-contract-agreement-fix-1-frontend", "cart-ui"},
        {"Infrastructure Ready", "infrastructure-ready-fix-1-devops", "order-service"}}) {
      Map<Integer, PlanEvent> byRound = events.stream()
          .filter(e -> e.hasSyncPointChecked() && e.getSyncPointChecked().getName().equals(p[0]))
          .collect(Collectors.toMap(e -> e.getSyncPointChecked().getRound(), Function.identity()));
      assertThat(byRound).containsOnlyKeys(1, 2);
      assertThat(byRound.get(1).getSyncPointChecked().getOutcome()).isEqualTo("remediating");
      assertThat(byRound.get(1).getSyncPointChecked().getRemediationTasksList()).containsExactly(p[1]);
      assertThat(byRound.get(2).getSyncPointChecked().getConflictsList()).isEmpty();
      PlanEvent added = events.stream().filter(e -> e.hasTaskAdded() && e.getTaskAdded().getTask().getId().equals(p[1]))
          .findFirst().orElseThrow();
      assertThat(added.getSequence()).isGreaterThan(byRound.get(1).getSequence());
      assertThat(seq.get(p[1])).isBetween(added.getSequence(), byRound.get(2).getSequence());
      PlanEvent released = events.stream()
          .filter(e -> e.hasSyncPointReleased() && e.getSyncPointReleased().getName().equals(p[0])).findFirst().orElseThrow();
      assertThat(released.getSequence()).isGreaterThan(byRound.get(2).getSequence());
      SyncResult r = released.getSyncPointReleased().getResult();
      assertThat(r.getRounds()).isEqualTo(2);
      assertThat(r.getConflictsResolved()).isEqualTo(r.getConflictsCount()).isPositive();
      assertThat(r.getUnresolvedList()).isEmpty();
      // The gated task starts only after the point is released.
      long readyAt = events.stream().filter(e -> e.hasTaskReady() && e.getTaskReady().getTaskId().equals(p[2]))
          .findFirst().orElseThrow().getSequence();
      assertThat(readyAt).isGreaterThan(released.getSequence());
    }
  }

  private List<SyncPointChecked> checks() {
    return events.stream().filter(PlanEvent::hasSyncPointChecked).map(PlanEvent::getSyncPointChecked).toList();
  }
}
