package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.master.journal.Journal;
import dev.baton.runtime.postgres.PostgresServer;
import dev.baton.runtime.registry.ConsulAgent;
import dev.baton.runtime.server.LeaderHint;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import dev.baton.v1.PlanEvent;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's take-over tests across separate processes: a real PostgreSQL journal, a real Consul
 * agent, three masters ({@code baton master --journal postgres://... --consul ...}) electing their
 * leader through Consul, and one sub-orchestrator per domain finding the leader through Consul.
 * The leader is SIGKILLed at chosen moments of a plan; each time the plan must finish with every
 * task succeeded once, no droid run twice, and a watcher following the masters must have seen
 * 1..N without a gap or a repeat ({@link TakeOverRun#finish}). The killed master is started again
 * and stands by.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MasterTakeOverEndToEndTest {
  @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();
  @RegisterExtension static final ConsulAgent CONSUL = new ConsulAgent();

  private static final Duration MOMENT = Duration.ofSeconds(60);
  private static final long PLAN_END_SECONDS = 120;

  private MasterTrio trio;
  private String database;

  @BeforeAll
  void startTheMasters() {
    String url = POSTGRES.createDatabase("takeover");
    database = url.substring(url.lastIndexOf('/') + 1);
    trio = MasterTrio.start("takeover", url, CONSUL.address());
  }

  @AfterAll
  void stopTheMasters() {
    if (trio != null) {
      trio.close();
    }
  }

  /** SIGKILL of the leader while it streams delegations: 96 tasks on 18 slots. */
  @Test
  void leaderKilledDuringABurstOfDelegations() throws Exception {
    try (TakeOverRun run = TakeOverRun.submit(trio, TakeOverPlans.burst("takeover-burst", 24, 3), 1 / 300.0)) {
      run.awaitEvent("the 30th delegation", e -> e.hasTaskDelegated()
          && run.watcher.count(PlanEvent::hasTaskDelegated) >= 30, MOMENT);
      Journal.Epoch old = killLeaderAndRestart();

      TakeOverRun.Verdict v = run.finish(PLAN_END_SECONDS, 2);
      List<PlanEvent> before = v.under(old.epoch());
      List<PlanEvent> after = v.records().stream().filter(r -> r.epoch() > old.epoch()).map(r -> r.event()).toList();
      // Killed mid-stream: delegations under both leaders, and tasks the old leader delegated
      // whose success the new one recorded (re-attached, not re-run: finish() checked attempt 1).
      assertThat(before.stream().filter(PlanEvent::hasTaskDelegated).count()).isGreaterThanOrEqualTo(30);
      assertThat(after.stream().filter(PlanEvent::hasTaskDelegated).count()).isPositive();
      Set<String> delegatedBefore = before.stream().filter(PlanEvent::hasTaskDelegated)
          .map(e -> e.getTaskDelegated().getTaskId()).collect(Collectors.toSet());
      assertThat(after.stream().filter(PlanEvent::hasTaskSucceeded).map(e -> e.getTaskSucceeded().getTaskId()))
          .as("tasks delegated by the killed leader and finished under its successor (%s)", v.epochs())
          .anyMatch(delegatedBefore::contains);
    }
  }

  /**
   * SIGKILL inside a tight barrier: the point is reached (both tasks before it succeeded) but not
   * released, since testing's sub-orchestrator, a participant, is held (SIGSTOP) until the leader
   * is dead. The new leader notifies the participants again, gathers them and releases the point.
   */
  @Test
  void leaderKilledInsideATightBarrier() throws Exception {
    String point = "Contract Agreement";
    try (TakeOverRun run = TakeOverRun.submit(trio, TakeOverPlans.BARRIER, 1 / 300.0)) {
      run.awaitEvent("infra succeeded", e -> e.hasTaskSucceeded() && e.getTaskSucceeded().getTaskId().equals("infra"), MOMENT);
      trio.sub("testing").suspend();
      Journal.Epoch old;
      try {
        run.awaitEvent("the point reached", e -> e.hasSyncPointReached() && e.getSyncPointReached().getName().equals(point),
            MOMENT);
        old = killLeader();
      } finally {
        trio.sub("testing").resume();
      }
      awaitSuccessorAndRestart(old);

      TakeOverRun.Verdict v = run.finish(PLAN_END_SECONDS, 2);
      List<PlanEvent> before = v.under(old.epoch());
      assertThat(before).as("the killed leader's events (%s)", v.epochs())
          .anyMatch(e -> e.hasSyncPointReached() && e.getSyncPointReached().getName().equals(point))
          .noneMatch(e -> e.hasSyncPointReleased() || e.hasSyncPointChecked());
      PlanEvent released = TakeOverRun.first(v.events(), PlanEvent::hasSyncPointReleased).orElseThrow();
      assertThat(released.getSyncPointReleased().getResult().getSharedStateList())
          .extracting(s -> s.getDomain()).containsExactlyInAnyOrder("backend", "devops", "testing");
      assertThat(v.events().stream().filter(PlanEvent::hasSyncPointReached)).hasSize(1);
      // The gated tasks started only after the release.
      long releasedAt = released.getSequence();
      assertThat(v.events().stream().filter(e -> e.hasTaskDelegated()
          && Set.of("orders-api", "deploy").contains(e.getTaskDelegated().getTaskId())))
          .hasSize(2).allMatch(e -> e.getSequence() > releasedAt);
    }
  }

  /**
   * SIGKILL during a mediation round: the first check of a sync point found conflicts and added
   * remediation tasks, one of which is running. The new leader lets the remediation finish,
   * re-checks (round 2, clean) and releases the point.
   */
  @Test
  void leaderKilledDuringAMediationRound() throws Exception {
    try (TakeOverRun run = TakeOverRun.submit(trio, TakeOverPlans.mediation(), 0.001)) {
      PlanEvent started = run.awaitEvent("a remediation task started",
          e -> e.hasTaskStarted() && e.getTaskStarted().getTaskId().contains("-fix-"), MOMENT);
      String fix = started.getTaskStarted().getTaskId();
      Journal.Epoch old = killLeader();
      awaitSuccessorAndRestart(old);

      TakeOverRun.Verdict v = run.finish(PLAN_END_SECONDS, 2);
      String point = TakeOverRun.first(v.events(), e -> e.hasTaskAdded() && e.getTaskAdded().getTask().getId().equals(fix))
          .orElseThrow().getTaskAdded().getSyncPoint();
      List<PlanEvent> before = v.under(old.epoch());
      assertThat(before).as("the killed leader's events (%s)", v.epochs())
          .anyMatch(e -> e.hasSyncPointChecked() && e.getSyncPointChecked().getName().equals(point)
              && e.getSyncPointChecked().getRound() == 1 && e.getSyncPointChecked().getOutcome().equals("remediating"))
          .noneMatch(e -> e.hasTaskSucceeded() && e.getTaskSucceeded().getTaskId().equals(fix))
          .noneMatch(e -> e.hasSyncPointReleased() && e.getSyncPointReleased().getName().equals(point));
      // Both points: round 1 remediating, round 2 clean, released after two rounds, nothing unresolved.
      for (PlanEvent released : v.events().stream().filter(PlanEvent::hasSyncPointReleased).toList()) {
        String name = released.getSyncPointReleased().getName();
        assertThat(v.events().stream().filter(e -> e.hasSyncPointChecked() && e.getSyncPointChecked().getName().equals(name))
            .map(e -> e.getSyncPointChecked().getRound() + ":" + e.getSyncPointChecked().getOutcome()))
            .as("checks of %s", name).containsExactly("1:remediating", "2:clean");
        assertThat(released.getSyncPointReleased().getResult().getRounds()).isEqualTo(2);
        assertThat(released.getSyncPointReleased().getResult().getUnresolvedList()).isEmpty();
      }
      assertThat(v.events().stream().filter(PlanEvent::hasSyncPointReleased)).hasSize(2);
      assertThat(v.events().stream().filter(PlanEvent::hasTaskAdded).map(e -> e.getTaskAdded().getTask().getId()))
          .containsExactlyInAnyOrder("api-contract-agreement-fix-1-frontend", "infrastructure-ready-fix-1-devops");
    }
  }

  /**
   * SIGKILL between a task's success and its merge: the droid's branch is pushed and its execution
   * succeeded, the leader is pushing the merge into the integration branch (held by the remote's
   * hook) and has not recorded TaskMerged nor TaskSucceeded. The leader dies with its children (the
   * push included). The new leader re-attaches the attempt, gets its result from the
   * sub-orchestrator, merges it once and goes on.
   */
  @Test
  void leaderKilledBetweenATasksSuccessAndItsMerge(@TempDir Path dir) throws Exception {
    HeldRemote remote = HeldRemote.create(dir);
    try (TakeOverRun run = TakeOverRun.submit(trio, TakeOverPlans.repository(remote.url()), 0.001)) {
      await("a merge's push held by the remote").atMost(MOMENT).pollInterval(Duration.ofMillis(10))
          .until(() -> remote.holding() || run.watcher.done.isDone());
      assertThat(remote.holding()).as("a merge was pushed").isTrue();
      Journal.Epoch old = trio.epoch();
      killedAt = trio.killWithChildren(old.holder());
      awaitSuccessorAndRestart(old);

      TakeOverRun.Verdict v = run.finish(PLAN_END_SECONDS, 2);
      List<PlanEvent> before = v.under(old.epoch());
      assertThat(before).as("the killed leader's events (%s)", v.epochs())
          .anyMatch(e -> e.hasTaskStarted() && e.getTaskStarted().getTaskId().equals("schema"))
          .noneMatch(e -> e.hasTaskMerged() || e.hasTaskSucceeded());
      // One merge per task on the remote's integration branch, each recorded once, in dependency order.
      String branch = "baton/" + run.planId + "/integration";
      assertThat(remote.git("log", "--first-parent", "--format=%s", branch).lines().filter(l -> l.startsWith("Merge ")))
          .containsExactly("Merge ui (attempt 1) into " + branch, "Merge api (attempt 1) into " + branch,
              "Merge schema (attempt 1) into " + branch);
      assertThat(TakeOverRun.count(v.events(), PlanEvent::hasTaskMerged, e -> e.getTaskMerged().getTaskId()))
          .containsOnlyKeys("schema", "api", "ui").allSatisfy((t, n) -> assertThat(n).isEqualTo(1L));
      PlanEvent last = v.events().get(v.events().size() - 1);
      assertThat(remote.git("rev-parse", branch).strip())
          .isEqualTo(TakeOverRun.first(v.events(), e -> e.hasTaskMerged() && e.getTaskMerged().getTaskId().equals("ui"))
              .orElseThrow().getTaskMerged().getMergeCommit());
      assertThat(last.hasPlanFinished()).isTrue();
    } finally {
      remote.release();
    }
  }

  /**
   * SIGSTOP of the leader until another leads, then SIGCONT: the paused leader wakes up believing
   * it leads; whatever it tries to append under its old epoch is refused by the journal, it steps
   * down and ends up a standby that refuses writes naming the new leader. The journal shows one
   * writer per epoch: along commit order the epoch never goes back.
   */
  @Test
  void aPausedLeaderIsFencedAndStepsDown() throws Exception {
    try (TakeOverRun run = TakeOverRun.submit(trio, TakeOverPlans.burst("takeover-pause", 40, 6), 1 / 300.0)) {
      run.awaitEvent("the 20th delegation", e -> e.hasTaskDelegated()
          && run.watcher.count(PlanEvent::hasTaskDelegated) >= 20, MOMENT);
      Journal.Epoch old = trio.epoch();
      String paused = old.holder();
      killedAt = java.time.Instant.now();
      trio.suspend(paused);
      Journal.Epoch next;
      try {
        next = trio.awaitLeader(old.epoch());
        System.out.printf("TAKEOVER %s (epoch %d) paused; %s claimed epoch %d %d ms later%n", paused, old.epoch(),
            next.holder(), next.epoch(), Duration.between(killedAt, next.claimedAt()).toMillis());
      } finally {
        trio.master(paused).resume();
      }
      assertThat(next.holder()).isNotEqualTo(paused);
      // Woken, it learns it was deposed (the journal refuses its epoch, or Consul says its
      // session is gone) and stands by: a write is refused, naming the new leader.
      await(paused + " stepping down").atMost(MasterTrio.TAKE_OVER).pollInterval(Duration.ofMillis(50))
          .until(() -> trio.log(paused).contains("lost the leadership (epoch " + old.epoch() + ")"));
      // Right after stepping down it may not know the leader yet (it campaigns again first).
      await(paused + " refusing writes, naming " + next.address()).atMost(MasterTrio.TAKE_OVER)
          .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> submitTo(trio.address(paused)));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(LeaderHint.from(refused)).contains(next.address());
          });

      TakeOverRun.Verdict v = run.finish(PLAN_END_SECONDS, 2);
      assertThat(v.under(old.epoch())).isNotEmpty();
      assertThat(v.under(next.epoch())).isNotEmpty();
      // Nothing the paused leader did after its successor's claim reached the journal.
      long lastOld = v.records().stream().filter(r -> r.epoch() == old.epoch()).mapToLong(r -> r.position()).max().orElseThrow();
      long firstNew = v.records().stream().filter(r -> r.epoch() == next.epoch()).mapToLong(r -> r.position()).min().orElseThrow();
      assertThat(lastOld).isLessThan(firstNew);
      // Whether the paused leader still tried an append after SIGCONT (refused: "fenced: this master
      // appends under epoch N but the journal is at epoch M") or learnt from Consul first that it had
      // lost the lock depends on which of its threads runs first; either way nothing of it landed
      // after its successor's claim (above).
      String log = trio.log(paused);
      System.out.println("TAKEOVER " + paused + " after SIGCONT: " + log.lines()
          .filter(l -> l.contains("fenced") || l.contains("lost the leadership") || l.contains("stale master")
              || l.contains("leading under") || l.contains("closed (was"))
          .toList());
    }
  }

  /**
   * SIGSTOP of the leader inside a commit: the test stalls the leader's append on a table lock,
   * pauses it, then lets the append's statement complete, so the paused leader's transaction holds
   * the epoch row's share lock with nobody to commit it. The database ends that transaction after
   * PostgresJournal's bound (5 s): the next leader's claim waits for it, not for the paused
   * leader. Woken, the paused leader finds its commit failed and steps down.
   */
  @Test
  void aLeaderPausedInsideACommitDoesNotHoldUpTheTakeOver() throws Exception {
    try (TakeOverRun run = TakeOverRun.submit(trio, TakeOverPlans.burst("takeover-stalled", 40, 6), 1 / 300.0);
        java.sql.Connection lock = java.sql.DriverManager.getConnection(POSTGRES.jdbcUrl(database), PostgresServer.USER,
            PostgresServer.PASSWORD);
        java.sql.Connection look = java.sql.DriverManager.getConnection(POSTGRES.jdbcUrl(database), PostgresServer.USER,
            PostgresServer.PASSWORD)) {
      run.awaitEvent("the 10th delegation", e -> e.hasTaskDelegated()
          && run.watcher.count(PlanEvent::hasTaskDelegated) >= 10, MOMENT);
      Journal.Epoch old = trio.epoch();
      String paused = old.holder();
      lock.setAutoCommit(false);
      try (var st = lock.createStatement()) {
        st.execute("LOCK TABLE baton_events IN SHARE MODE"); // readers go on; the leader's next INSERT waits
      }
      await("the leader's append waiting inside its transaction").atMost(MOMENT).pollInterval(Duration.ofMillis(20))
          .until(() -> {
            try (var st = look.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity"
                + " WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO baton_events%'")) {
              return rs.next() && rs.getLong(1) > 0;
            }
          });
      trio.suspend(paused);
      java.time.Instant pausedAt = java.time.Instant.now();
      Journal.Epoch next;
      try {
        lock.rollback(); // the INSERT completes; its transaction now idles, holding the epoch row
        next = trio.awaitLeader(old.epoch());
      } finally {
        trio.master(paused).resume();
      }
      long ledAfter = Duration.between(pausedAt, java.time.Instant.now()).toMillis();
      System.out.printf("TAKEOVER %s (epoch %d) paused inside a commit; %s started its claim of epoch %d %d ms later"
              + " and led %d ms after the pause%n", paused, old.epoch(), next.holder(), next.epoch(),
          Duration.between(pausedAt, next.claimedAt()).toMillis(), ledAfter);
      // The claim had to wait for the database to end the paused transaction (5 s after it idled).
      assertThat(ledAfter).isGreaterThanOrEqualTo(4_500);
      await(paused + " stepping down").atMost(MasterTrio.TAKE_OVER).pollInterval(Duration.ofMillis(50))
          .until(() -> trio.log(paused).contains("lost the leadership (epoch " + old.epoch() + ")"));
      assertThat(trio.log(paused)).contains("fenced: journal commit of");

      TakeOverRun.Verdict v = run.finish(PLAN_END_SECONDS, 2);
      long lastOld = v.records().stream().filter(r -> r.epoch() == old.epoch()).mapToLong(r -> r.position()).max().orElseThrow();
      long firstNew = v.records().stream().filter(r -> r.epoch() == next.epoch()).mapToLong(r -> r.position()).min().orElseThrow();
      assertThat(lastOld).isLessThan(firstNew);
    }
  }

  private void submitTo(String address) {
    io.grpc.ManagedChannel channel = io.grpc.ManagedChannelBuilder.forTarget(address).usePlaintext().build();
    try {
      dev.baton.v1.MasterGrpc.newBlockingStub(channel).withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
          .submitPlan(dev.baton.v1.SubmitPlanRequest.newBuilder().setPlanYaml(TakeOverPlans.BARRIER).build());
    } finally {
      channel.shutdownNow();
    }
  }

  /** SIGKILL to the leader; returns the epoch it led under. */
  private Journal.Epoch killLeader() {
    Journal.Epoch old = trio.epoch();
    killedAt = trio.kill(old.holder());
    return old;
  }

  private java.time.Instant killedAt;

  /** Waits for another master to lead after {@code old}, then starts the killed one again (a standby). */
  private Journal.Epoch awaitSuccessorAndRestart(Journal.Epoch old) {
    Journal.Epoch next = trio.awaitLeader(old.epoch());
    assertThat(next.holder()).isNotEqualTo(old.holder());
    System.out.printf("TAKEOVER %s (epoch %d) killed; %s claimed epoch %d %d ms later%n", old.holder(), old.epoch(),
        next.holder(), next.epoch(), killedAt == null ? -1 : Duration.between(killedAt, next.claimedAt()).toMillis());
    trio.restart(old.holder());
    return next;
  }

  /** Kills the leader (SIGKILL), waits for another to lead, starts the killed one again as a standby. */
  private Journal.Epoch killLeaderAndRestart() {
    Journal.Epoch old = killLeader();
    awaitSuccessorAndRestart(old);
    return old;
  }
}
