package dev.baton.master.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.testing.FakeSubOrchestrator;
import dev.baton.master.testing.Plans;
import dev.baton.v1.CrossOrchestratorConflict;
import dev.baton.v1.CrossOrchestratorMessage;
import dev.baton.v1.MessageType;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SyncPointChecked;
import dev.baton.v1.SyncResult;
import dev.baton.v1.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mediation that cannot succeed: the fakes publish documents that disagree (the frontend reads a
 * {@code total} the backend's OpenAPI document lacks) and ignore every remediation, so each re-check
 * finds the same conflict until {@code maxRounds} is spent. Then the plan's failure handling decides
 * (docs/sync-and-mediation.md): failover fails the plan naming the conflict; graceful_degradation
 * releases the point with the conflict in {@code unresolved}. The master's real detectors run.
 */
class MediationBoundTest {
  static final double SCALE = 0.001;
  static final String POINT = "contract";
  static final String LOCATION = "GET /carts/{cartId} response 200 field total";

  static final String CONSUMED = """
      kind: ApiUsage
      operations:
        - operation: GET /carts/{cartId}
          reads:
            "200":
              id: string
              total: number
      """;
  static final String OPENAPI = """
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
      """;

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private MasterServer master;
  private FakeSubOrchestrator front;

  @BeforeEach
  void mesh() {
    master = MasterServer.start(MasterConfig.builder()
        .instanceWait(Duration.ofMillis(500))
        .syncTimeoutFloor(Duration.ofMillis(300))
        .build()); // the standard detectors
    closeables.add(master);
    FakeSubOrchestrator back = new FakeSubOrchestrator("backend-1", "backend", 4, master.address(),
        Map.of("api/openapi.yaml", OPENAPI)).documentKind("api_implementation");
    closeables.add(0, back);
    front = new FakeSubOrchestrator("frontend-1", "frontend", 4, master.address(),
        Map.of("api/consumed.yaml", CONSUMED)).documentKind("api_contract");
    closeables.add(0, front);
    io.grpc.ManagedChannel channel = io.grpc.netty.NettyChannelBuilder.forTarget(master.address()).usePlaintext().build();
    closeables.add(0, channel::shutdownNow);
    var stub = dev.baton.v1.MasterGrpc.newBlockingStub(channel);
    await().atMost(Duration.ofSeconds(5)).until(() -> master.store() != null
        && stub.withDeadlineAfter(2, java.util.concurrent.TimeUnit.SECONDS)
            .listOrchestrators(dev.baton.v1.ListOrchestratorsRequest.getDefaultInstance()).getInstancesList().stream()
            .filter(i -> i.getHealth() == dev.baton.v1.InstanceHealth.INSTANCE_HEALTH_HEALTHY).count() == 2);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  static PlanModel.Plan plan(PlanModel.FailureHandling handling, PlanModel.MediationPolicy policy, int maxRounds) {
    return Plans.plan("unresolvable").failureHandling(handling)
        .task("api-design", "backend", 1).task("api-client", "frontend", 1).task("cart-ui", "frontend", 1)
        .sync(new PlanModel.SyncPoint(POINT, List.of("frontend", "backend"), List.of("api-design", "api-client"),
            List.of("cart-ui"), PlanModel.SyncMode.TIGHT, List.of(PlanModel.Check.API_CONTRACT), Duration.ofMinutes(2),
            new PlanModel.Mediation(Map.of(PlanModel.Check.API_CONTRACT, policy), maxRounds)))
        .build();
  }

  PlanStatus run(PlanModel.Plan plan) {
    String id = master.submit(plan, SCALE);
    await().atMost(Duration.ofSeconds(20)).until(() -> terminal(master.store().status(id).orElseThrow()));
    return master.store().status(id).orElseThrow();
  }

  List<PlanEvent> events(PlanStatus s) {
    return master.store().read(s.getPlanId(), 0);
  }

  static List<SyncPointChecked> checks(List<PlanEvent> ev) {
    return ev.stream().filter(PlanEvent::hasSyncPointChecked).map(PlanEvent::getSyncPointChecked).toList();
  }

  static List<String> added(List<PlanEvent> ev) {
    return ev.stream().filter(PlanEvent::hasTaskAdded).map(e -> e.getTaskAdded().getTask().getId()).toList();
  }

  @Test
  void failoverFailsThePlanNamingTheConflictWhenTheRoundsAreSpent() {
    PlanStatus s = run(plan(PlanModel.FailureHandling.FAILOVER, PlanModel.MediationPolicy.PROVIDER_WINS, 2));

    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_FAILED);
    assertThat(s.getReason()).isEqualTo("sync point 'contract': 1 conflict(s) unresolved after 3 check(s): "
        + "api_contract " + LOCATION + " [frontend vs backend] (frontend must change)");
    List<PlanEvent> ev = events(s);
    // Two remediation rounds ran (and changed nothing), the third check gave up.
    assertThat(checks(ev)).extracting(SyncPointChecked::getRound, SyncPointChecked::getOutcome)
        .containsExactly(Tuple.tuple(1, "remediating"), Tuple.tuple(2, "remediating"), Tuple.tuple(3, "unresolved"));
    assertThat(checks(ev)).allSatisfy(c -> assertThat(c.getConflictsList())
        .extracting(CrossOrchestratorConflict::getLocation, CrossOrchestratorConflict::getMustChange)
        .containsExactly(Tuple.tuple(LOCATION, "frontend")));
    assertThat(added(ev)).containsExactly("contract-fix-1-frontend", "contract-fix-2-frontend");
    assertThat(front.started()).contains("contract-fix-1-frontend#1", "contract-fix-2-frontend#1")
        .doesNotContain("cart-ui#1");
    assertThat(ev).noneMatch(PlanEvent::hasSyncPointReleased);
    assertThat(PlanRun.byId(s).get("cart-ui").getState()).isEqualTo(TaskState.TASK_STATE_CANCELLED);
    // The parties were told each round; the last notification carries no remediation task.
    await().atMost(Duration.ofSeconds(5)).until(() -> notifications(front).size() >= 3);
    List<CrossOrchestratorMessage> told = notifications(front);
    assertThat(told).extracting(CrossOrchestratorMessage::getCorrelationId)
        .containsExactly(s.getPlanId() + "/contract/1", s.getPlanId() + "/contract/2", s.getPlanId() + "/contract/3");
    assertThat(told.get(2).getPayload().getContent().getFieldsOrThrow("remediationTasks").getListValue().getValuesList())
        .isEmpty();
  }

  @Test
  void gracefulDegradationReleasesThePointWithTheConflictUnresolvedAndFinishesThePlan() {
    PlanStatus s = run(plan(PlanModel.FailureHandling.GRACEFUL_DEGRADATION, PlanModel.MediationPolicy.PROVIDER_WINS, 1));

    // docs/sync-and-mediation.md: the point is released with the conflicts in `unresolved`, the
    // tasks run on, and the plan ends DEGRADED naming the point and the first unresolved place.
    assertThat(s.getState()).as(s.getReason()).isEqualTo(PlanState.PLAN_STATE_DEGRADED);
    assertThat(s.getReason()).contains("sync point 'contract'", "1 unresolved conflict(s)", "field total");
    List<PlanEvent> ev = events(s);
    assertThat(checks(ev)).extracting(SyncPointChecked::getRound, SyncPointChecked::getOutcome)
        .containsExactly(Tuple.tuple(1, "remediating"), Tuple.tuple(2, "unresolved"));
    assertThat(added(ev)).containsExactly("contract-fix-1-frontend");
    PlanEvent released = ev.stream().filter(PlanEvent::hasSyncPointReleased).findFirst().orElseThrow();
    SyncResult r = released.getSyncPointReleased().getResult();
    assertThat(r.getRounds()).isEqualTo(2);
    assertThat(r.getConflictsResolved()).isZero();
    assertThat(r.getUnresolvedList()).extracting(CrossOrchestratorConflict::getCheck,
            CrossOrchestratorConflict::getLocation, CrossOrchestratorConflict::getMustChange)
        .containsExactly(Tuple.tuple("api_contract", LOCATION, "frontend"));
    assertThat(s.getSyncPoints(0).getResult().getUnresolvedCount()).isOne();
    // The gated task ran only after the release.
    long ready = ev.stream().filter(e -> e.hasTaskReady() && e.getTaskReady().getTaskId().equals("cart-ui"))
        .findFirst().orElseThrow().getSequence();
    assertThat(ready).isGreaterThan(released.getSequence());
    assertThat(PlanRun.byId(s).get("cart-ui").getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
  }

  @Test
  void askGivesUpAtTheFirstCheckWithoutRemediation() {
    PlanStatus s = run(plan(PlanModel.FailureHandling.FAILOVER, PlanModel.MediationPolicy.ASK, 2));

    assertThat(s.getState()).isEqualTo(PlanState.PLAN_STATE_FAILED);
    assertThat(s.getReason()).isEqualTo("sync point 'contract': 1 conflict(s) unresolved after 1 check(s): "
        + "api_contract " + LOCATION + " [frontend vs backend]");
    List<PlanEvent> ev = events(s);
    assertThat(checks(ev)).extracting(SyncPointChecked::getRound, SyncPointChecked::getOutcome)
        .containsExactly(Tuple.tuple(1, "unresolved"));
    assertThat(checks(ev).get(0).getConflicts(0).getPolicy()).isEqualTo("ask");
    assertThat(added(ev)).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> notifications(front).size() >= 1);
    assertThat(notifications(front)).extracting(CrossOrchestratorMessage::getCorrelationId)
        .containsExactly(s.getPlanId() + "/contract/1");
  }

  private static List<CrossOrchestratorMessage> notifications(FakeSubOrchestrator f) {
    return f.frames.stream().filter(fr -> fr.hasMessage()).map(fr -> fr.getMessage())
        .filter(m -> m.getType() == MessageType.MESSAGE_TYPE_CONFLICT_NOTIFICATION).toList();
  }

  static boolean terminal(PlanStatus s) {
    return s.getState() == PlanState.PLAN_STATE_SUCCEEDED || s.getState() == PlanState.PLAN_STATE_FAILED
        || s.getState() == PlanState.PLAN_STATE_CANCELLED || s.getState() == PlanState.PLAN_STATE_DEGRADED;
  }
}
