package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.Timestamp;
import dev.baton.cli.mesh.Mesh;
import dev.baton.v1.CrossOrchestratorConflict;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.SharedDocument;
import dev.baton.v1.SharedState;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.SyncPointChecked;
import dev.baton.v1.SyncResult;
import java.util.List;
import java.util.function.Predicate;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The loose and eventual sync modes through separate processes (tight is covered by
 * {@link ConflictMediationEndToEndTest}); judged from the WatchPlan events alone.
 *
 * <p>loose: a healthy run, where every participant arrives: the point's SyncResult carries the
 * mode, its duration and each participant's shared state, and the {@code before} task waited for
 * the release. (A participant that never arrives needs an instance that is registered but silent,
 * which real processes do not offer; that case is SchedulingTest's
 * looseSyncPointGoesOnWithoutTheParticipantThatNeverArrives.)
 *
 * <p>eventual: the participants publish documents that disagree (the cart client reads a
 * {@code total} the API does not return, from examples/ecommerce-conflicts.yaml); the {@code before}
 * task is made ready as soon as the point is reached, before any arrival is checked; the conflict
 * is reported as a {@code notified} check and listed as unresolved at the release, and no
 * remediation task is added.
 */
@ExtendWith(SharedMesh.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncModesEndToEndTest {
  static final String LOCATION = "GET /carts/{cartId} response 200 field total";

  private MasterApi api;
  private List<PlanEvent> loose;
  private List<PlanEvent> eventual;

  @BeforeAll
  void runThePlans(Mesh mesh) throws Exception {
    api = new MasterApi(mesh.masterAddress());
    MasterApi.Events l = api.watch(submit(plan("sync-loose", "loose", READS_ID)));
    MasterApi.Events e = api.watch(submit(plan("sync-eventual", "eventual", READS_TOTAL)));
    loose = l.awaitEnd(60);
    eventual = e.awaitEnd(60);
  }

  @AfterAll
  void closeClient() {
    if (api != null) {
      api.close();
    }
  }

  private String submit(String yaml) {
    return api.call().submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml).setTimeScale(0.001).build())
        .getPlanId();
  }

  @Test
  void bothPlansSucceed() {
    for (List<PlanEvent> events : List.of(loose, eventual)) {
      PlanEvent last = events.get(events.size() - 1);
      assertThat(last.getPlanFinished().getState()).as(last.getPlanFinished().getReason())
          .isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    }
  }

  @Test
  void looseReleaseCarriesTheModeTheDurationAndEveryParticipantsState() {
    PlanEvent reached = first(loose, PlanEvent::hasSyncPointReached);
    PlanEvent released = first(loose, PlanEvent::hasSyncPointReleased);
    SyncResult r = released.getSyncPointReleased().getResult();

    assertThat(r.getMode()).isEqualTo("loose");
    assertThat(r.getMissingList()).isEmpty();
    assertThat(r.getUncheckedList()).isEmpty();
    assertThat(r.getConflictsList()).isEmpty();
    assertThat(r.getRounds()).isOne();
    // Reached to released, as the events' own times show it.
    assertThat(r.getDurationMs()).isNotNegative()
        .isCloseTo(millis(released.getTime()) - millis(reached.getTime()), within(50L));
    assertThat(r.getSharedStateList()).extracting(SharedState::getDomain)
        .containsExactlyInAnyOrder("frontend", "backend");
    assertThat(state(r, "frontend").getCompletedTasksList()).contains("api-client");
    assertThat(state(r, "frontend").getDocumentsList()).extracting(SharedDocument::getName, SharedDocument::getKind)
        .contains(Tuple.tuple("api/consumed.yaml", "api_contract"));
    assertThat(state(r, "backend").getCompletedTasksList()).contains("api-design");
    assertThat(state(r, "backend").getDocumentsList()).extracting(SharedDocument::getName, SharedDocument::getKind)
        .contains(Tuple.tuple("api/openapi.yaml", "api_implementation"));
    assertThat(checks(loose)).extracting(SyncPointChecked::getOutcome).containsExactly("clean");
    // The gated task waited for the release.
    assertThat(first(loose, ready("cart-ui")).getSequence()).isGreaterThan(released.getSequence());
  }

  @Test
  void eventualDoesNotHoldBackItsBeforeTask() {
    long reached = first(eventual, PlanEvent::hasSyncPointReached).getSequence();
    long ready = first(eventual, ready("cart-ui")).getSequence();
    long firstCheck = first(eventual, PlanEvent::hasSyncPointChecked).getSequence();
    long released = first(eventual, PlanEvent::hasSyncPointReleased).getSequence();

    assertThat(ready).isGreaterThan(reached).isLessThan(firstCheck).isLessThan(released);
  }

  @Test
  void eventualReportsTheConflictAsANotificationWithoutRemediation() {
    assertThat(checks(eventual)).extracting(SyncPointChecked::getRound, SyncPointChecked::getOutcome)
        .containsExactly(Tuple.tuple(1, "notified"));
    SyncPointChecked check = checks(eventual).get(0);
    assertThat(check.getRemediationTasksList()).isEmpty();
    assertThat(check.getConflictsList()).extracting(CrossOrchestratorConflict::getCheck,
            CrossOrchestratorConflict::getLocation, CrossOrchestratorConflict::getPartiesList)
        .containsExactly(Tuple.tuple("api_contract", LOCATION, List.of("frontend", "backend")));
    assertThat(eventual).noneMatch(PlanEvent::hasTaskAdded);

    SyncResult r = first(eventual, PlanEvent::hasSyncPointReleased).getSyncPointReleased().getResult();
    assertThat(r.getMode()).isEqualTo("eventual");
    assertThat(r.getRounds()).isOne();
    assertThat(r.getConflictsResolved()).isZero();
    assertThat(r.getUnresolvedList()).extracting(CrossOrchestratorConflict::getLocation).containsExactly(LOCATION);
    assertThat(r.getConflictsList()).extracting(CrossOrchestratorConflict::getLocation).containsExactly(LOCATION);
  }

  private static PlanEvent first(List<PlanEvent> events, Predicate<PlanEvent> p) {
    return events.stream().filter(p).findFirst().orElseThrow(() -> new AssertionError("no such event in " + events));
  }

  private static Predicate<PlanEvent> ready(String task) {
    return e -> e.hasTaskReady() && e.getTaskReady().getTaskId().equals(task);
  }

  private static List<SyncPointChecked> checks(List<PlanEvent> events) {
    return events.stream().filter(PlanEvent::hasSyncPointChecked).map(PlanEvent::getSyncPointChecked).toList();
  }

  private static SharedState state(SyncResult r, String domain) {
    return r.getSharedStateList().stream().filter(s -> s.getDomain().equals(domain)).findFirst().orElseThrow();
  }

  private static long millis(Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }

  /** What the cart client reads: only what the API returns (clean), or also a missing `total`. */
  static final String READS_ID = """
                          "200":
                            id: string
                            items[].sku: string
      """;
  static final String READS_TOTAL = READS_ID + """
                            total: number
      """;

  /** Three tasks: a backend API, a frontend client of it, and a UI gated by the point. */
  static String plan(String name, String mode, String reads) {
    return """
        apiVersion: baton.dev/v1
        kind: Plan
        metadata:
          name: %s
          description: one %s sync point between the cart client and the API
        spec:
          strategy: parallel
          failureHandling: failover
          tasks:
            - id: api-design
              description: Cart API design
              orchestrator: backend
              estimate: 5m
              deliverables: [api/openapi.yaml]
              simulate:
                documents:
                  api/openapi.yaml: |
                    openapi: 3.0.3
                    info: {title: Shop API, version: 1.0.0}
                    paths:
                      /carts/{cartId}:
                        get:
                          parameters:
                            - {name: cartId, in: path, required: true, schema: {type: string}}
                          responses:
                            "200":
                              description: the cart
                              content:
                                application/json:
                                  schema:
                                    type: object
                                    properties:
                                      id: {type: string}
                                      items:
                                        type: array
                                        items:
                                          type: object
                                          properties:
                                            sku: {type: string}
            - id: api-client
              description: Cart API client
              orchestrator: frontend
              estimate: 5m
              deliverables: [api/consumed.yaml]
              simulate:
                documents:
                  api/consumed.yaml: |
                    kind: ApiUsage
                    operations:
                      - operation: GET /carts/{cartId}
                        reads:
        %s
            - id: cart-ui
              description: Shopping cart interface
              orchestrator: frontend
              estimate: 5m
              dependsOn: [api-client]
              deliverables: [web/pages/cart.tsx]
          syncPoints:
            - name: Cart Contract
              mode: %s
              participants: [frontend, backend]
              after: [api-design, api-client]
              before: [cart-ui]
              checks: [api_contract]
              timeout: 30m
        """.formatted(name, mode, reads.stripTrailing(), mode);
  }
}
