package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.master.journal.Journal;
import dev.baton.runtime.postgres.PostgresServer;
import dev.baton.runtime.registry.ConsulAgent;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12's chaos by killing pods, played here with processes started as the manifests start
 * them ({@link PodArgs}, {@link PodController}): PostgreSQL, Consul, a StatefulSet of three
 * masters and two replicas per domain. While the e-commerce plan runs (about 40 s), a seeded
 * random deletes a pod every few seconds, masters and sub-orchestrators alike, by SIGKILL (grace
 * zero, as Chaos Mesh's pod-kill) or SIGTERM then SIGKILL (a graceful delete); the controllers
 * start the master again under its id and replace the sub-orchestrator by a new pod.
 *
 * <p>Then the exactly-once checks of the take-over tests, widened for dead sub-orchestrators: a
 * task may be delegated and started again only off an instance that was deleted (the reason names
 * it), it succeeds once, and the surviving sub-orchestrators' own counters equal the successes the
 * journal puts on them. A deleted process's counters died with it: its successes are counted from
 * the journal alone and reported, not cross-checked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodKillEndToEndTest {
  @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();
  @RegisterExtension static final ConsulAgent CONSUL = new ConsulAgent();

  private static final long SEED = Long.getLong("baton.podkill.seed", 12L);
  /** The parallel e-commerce plan's critical path (145 plan minutes) in about this much wall clock. */
  private static final double PLAN_SECONDS = 25;
  private static final Duration FIRST_KILL = Duration.ofSeconds(3);
  private static final Duration INTERVAL = Duration.ofSeconds(6);
  private static final int MAX_KILLS = 6;
  /**
   * The graceful delete's grace: the manifests' terminationGracePeriodSeconds (drain timeout + 15 s)
   * when the CLI drains (part 4), else 10 s.
   */
  private static final Duration GRACE = PodArgs.DRAIN ? PodArgs.DRAIN_TIMEOUT.plusSeconds(15) : Duration.ofSeconds(10);
  private static final long PLAN_END_SECONDS = 240;

  private PodController pods;

  @BeforeAll
  void createThePods() {
    pods = PodController.start("podkill", POSTGRES.createDatabase("podkill"), CONSUL.address(), 2);
  }

  @AfterAll
  void deleteThePods() {
    if (pods != null) {
      pods.close();
    }
  }

  @Test
  @Order(1)
  void aPlanSurvivesPodKillsOfMastersAndSubOrchestratorsWithEveryTaskRunOnce() throws Exception {
    String yaml = ChaosPlan.ecommerce("parallel", "failover");
    double timeScale = PLAN_SECONDS / (145 * 60.0);

    // The baseline: the same plan on the same pods, nothing killed.
    Instant baselineStart = Instant.now();
    try (TakeOverRun baseline = TakeOverRun.submit(pods, yaml, timeScale)) {
      List<PlanEvent> events = baseline.watcher.awaitEnd(PLAN_END_SECONDS);
      assertThat(events.get(events.size() - 1).getPlanFinished().getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    }
    Duration baseline = Duration.between(baselineStart, Instant.now());
    long epochsBefore = pods.epochsClaimed();

    Random random = new Random(SEED);
    Map<PodController.Kill, Set<String>> runningAtKill = new LinkedHashMap<>();
    Instant start = Instant.now();
    try (TakeOverRun run = TakeOverRun.submit(pods, yaml, timeScale)) {
      for (int round = 0; round < MAX_KILLS && !run.watcher.done.isDone(); round++) {
        Instant due = start.plus(FIRST_KILL).plus(INTERVAL.multipliedBy(round));
        await("kill round " + round).atMost(INTERVAL.plus(FIRST_KILL).plusSeconds(5)).pollInterval(Duration.ofMillis(20))
            .until(() -> !Instant.now().isBefore(due) || run.watcher.done.isDone());
        if (run.watcher.done.isDone()) {
          break;
        }
        boolean killedLeader = pods.kills().stream().anyMatch(PodController.Kill::leader);
        PodController.Pod victim = pickVictim(random, round, run.watcher.events, killedLeader);
        if (victim == null) {
          System.out.printf("PODKILL t=%.1fs round=%d skipped: no ready pod of the chosen kind%n", seconds(start), round);
          continue;
        }
        Set<String> running = victim.master() ? Set.of() : running(run.watcher.events, victim.process.readyLine().id());
        // Pairs of rounds alternate: two SIGKILLs (grace 0), then two graceful deletes.
        Duration grace = (round / 2) % 2 == 0 ? Duration.ZERO : GRACE;
        PodController.Kill kill = pods.delete(victim, grace);
        runningAtKill.put(kill, running);
        System.out.printf("PODKILL t=%.1fs victim=%s role=%s signal=%s instance=%s leader=%s running=%s events=%d%n",
            Duration.between(start, kill.at()).toMillis() / 1000.0, kill.pod(), kill.role(), kill.signal(),
            kill.instanceId(), kill.leader(), running, run.watcher.events.size());
      }
      List<PlanEvent> events = run.watcher.awaitEnd(PLAN_END_SECONDS);
      Duration planTime = Duration.between(start, Instant.now());
      pods.awaitAllReady(); // replacements up, so the counters below are read from every live pod

      Figures f = judge(run, events, runningAtKill);
      run.assertCliWatchSawIncreasingSequences(events);
      System.out.printf(Locale.ROOT, "PODKILL-SUMMARY seed=%d kills=%d (masters %d, leader %d, sub-orchestrators %d;"
              + " SIGKILL %d, graceful %d) failovers=%d take-overs=%d plan=%.1fs baseline=%.1fs (x%.2f)"
              + " successes on deleted instances=%d (journal only)%n",
          SEED, f.kills, f.masterKills, f.leaderKills, f.subKills, f.sigkills, f.kills - f.sigkills, f.failovers,
          pods.epochsClaimed() - epochsBefore, planTime.toMillis() / 1000.0, baseline.toMillis() / 1000.0,
          (double) planTime.toMillis() / baseline.toMillis(), f.successesOnDeleted);
      assertThat(f.masterKills).as("masters deleted").isPositive();
      assertThat(f.subKills).as("sub-orchestrators deleted").isPositive();
      assertThat(f.failovers).as("tasks failed over off a deleted sub-orchestrator (the test checked something)").isPositive();
      assertThat(events).as("a re-delegation by failover, naming the deleted instance")
          .anyMatch(e -> e.hasTaskDelegated() && e.getTaskDelegated().getReason().startsWith("failover from ")
              && pods.deletedInstances().stream().anyMatch(id -> e.getTaskDelegated().getReason().startsWith("failover from " + id)));
    }
  }

  /**
   * scripts/chaos/pod-kill.sh itself on these pods: the real CLI submits and watches, a kubectl
   * shim hands its deletions to the controller ({@link PodKillScriptRun}); any role, forced
   * deletions every 6 s. The script's own checks must pass, and must have had something to check.
   */
  @Test
  @Order(2)
  void theScriptDeletesRandomPodsAndItsChecksPass() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(PodKillScriptRun.available("jq"),
        "jq is missing: scripts/install-tools.sh --chaos installs it (the cli build runs it)");
    Path plan = Files.writeString(pods.runDir().resolve("ecommerce-parallel.yaml"), ChaosPlan.ecommerce("parallel", "failover"));
    long epochsBefore = pods.epochsClaimed();
    int killsBefore = pods.kills().size();
    PodKillScriptRun script = PodKillScriptRun.start(pods, List.of("--plan", plan.toString(), "--role", "any",
        "--interval", "6", "--duration", "30s", "--grace", "0", "--seed", "5",
        "--time-scale", Double.toString(PLAN_SECONDS / (145 * 60.0)), "--plan-timeout", "4"));
    int code = script.serveUntilExit(Duration.ofMinutes(5));
    String out = script.stdout();
    System.out.print(out.lines().map(l -> "PODKILL (script) " + l + "\n").collect(java.util.stream.Collectors.joining()));
    assertThat(code).as("pod-kill.sh exit code; stdout:%n%s%nstderr:%n%s", out, script.stderr()).isZero();
    assertThat(out).contains("pod-kill: PASS plan ").contains("PLAN_STATE_SUCCEEDED");
    assertThat(out.lines().filter(l -> l.contains(" kill #"))).as("deletions the script made").hasSizeGreaterThanOrEqualTo(2);
    assertThat(pods.kills().size() - killsBefore).as("deletions the controller performed").isGreaterThanOrEqualTo(2);
    // It checked the real thing: every task's success is in the events it read.
    String events = Files.readString(script.out().resolve("events.log"));
    assertThat(events.lines().filter(l -> l.matches(".*#\\d+\\s+task \\S+ succeeded .*"))).hasSize(19);
    System.out.printf("PODKILL-SUMMARY (script) kills=%d take-overs=%d%n", pods.kills().size() - killsBefore,
        pods.epochsClaimed() - epochsBefore);
  }

  /**
   * Even rounds delete a sub-orchestrator (one with a task running when there is one: a pod-kill
   * of an idle replica shows little), odd rounds a master; the seeded random picks within. The
   * second master deletion goes to the leader if none hit it before, so a take-over happens.
   */
  private PodController.Pod pickVictim(Random random, int round, List<PlanEvent> events, boolean killedLeader) {
    List<PodController.Pod> ready = pods.readyPods();
    List<PodController.Pod> candidates;
    if (round % 2 == 1) {
      candidates = ready.stream().filter(PodController.Pod::master).toList();
      if (round == 3 && !killedLeader) {
        candidates = candidates.stream().filter(p -> p.name.equals(pods.epoch().holder())).toList();
      }
    } else {
      List<PodController.Pod> subs = ready.stream().filter(p -> !p.master()).toList();
      List<PodController.Pod> busy = subs.stream()
          .filter(p -> !running(events, p.process.readyLine().id()).isEmpty()).toList();
      candidates = busy.isEmpty() ? subs : busy;
    }
    return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
  }

  /** Tasks started on {@code instance} and not finished, per the events so far. */
  private static Set<String> running(List<PlanEvent> events, String instance) {
    Set<String> running = new LinkedHashSet<>();
    for (PlanEvent e : events) {
      if (e.hasTaskStarted() && e.getTaskStarted().getInstanceId().equals(instance)) {
        running.add(e.getTaskStarted().getTaskId());
      } else if (e.hasTaskSucceeded()) {
        running.remove(e.getTaskSucceeded().getTaskId());
      } else if (e.hasTaskDelegated() && !e.getTaskDelegated().getInstanceId().equals(instance)) {
        running.remove(e.getTaskDelegated().getTaskId());
      }
    }
    return running;
  }

  record Figures(int kills, int masterKills, int leaderKills, int subKills, int sigkills, int failovers,
      long successesOnDeleted) {}

  /** The exactly-once checks (see the class comment); returns the run's figures. */
  private Figures judge(TakeOverRun run, List<PlanEvent> events, Map<PodController.Kill, Set<String>> runningAtKill) {
    PlanEvent last = events.get(events.size() - 1);
    assertThat(last.getPlanFinished().getState()).as("plan %s: %s%n%s", run.planId, last.getPlanFinished().getReason(),
        ChaosPlan.describe(events)).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);

    // Every master the watcher read from sent 1..N, no replay, no gap; the journal holds exactly that.
    assertThat(run.watcher.violations).as("streams %s", run.watcher.streams).isEmpty();
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).getSequence()).isEqualTo(i + 1L);
    }
    List<Journal.JournalRecord> records = run.records();
    assertThat(records.stream().map(Journal.JournalRecord::event).toList()).isEqualTo(events);
    for (int i = 1; i < records.size(); i++) {
      assertThat(records.get(i).epoch()).as("epochs along the plan's records").isGreaterThanOrEqualTo(records.get(i - 1).epoch());
    }
    List<PodController.Kill> kills = List.copyOf(runningAtKill.keySet());
    if (kills.stream().anyMatch(PodController.Kill::leader)) {
      assertThat(records.stream().map(Journal.JournalRecord::epoch).distinct().count())
          .as("epochs that wrote the plan (a leader was deleted mid-plan)").isGreaterThanOrEqualTo(2);
    }

    // Each task succeeded once; it was delegated and started again only off a deleted instance.
    Set<String> deleted = pods.deletedInstances();
    List<String> tasks = new ArrayList<>();
    events.get(0).getPlanAccepted().getTasksList().forEach(t -> tasks.add(t.getId()));
    events.stream().filter(PlanEvent::hasTaskAdded).forEach(e -> tasks.add(e.getTaskAdded().getTask().getId()));
    Map<String, Long> succeeded = TakeOverRun.count(events, PlanEvent::hasTaskSucceeded, e -> e.getTaskSucceeded().getTaskId());
    assertThat(succeeded).as("TaskSucceeded per task").containsOnlyKeys(tasks).allSatisfy((t, n) -> assertThat(n).isEqualTo(1L));
    // A failed attempt only where the engine gave up on a deleted instance and retried: a task a
    // new leader re-attached whose instance was deleted meanwhile "did not come back within 30 s of
    // the take-over" (the attempt fails and the task is retried once elsewhere; not a second run).
    assertThat(events).filteredOn(PlanEvent::hasTaskFailed).as("failed attempts, only off deleted instances, retried")
        .allMatch(e -> deleted.contains(e.getTaskFailed().getInstanceId()) && e.getTaskFailed().getWillRetry());
    assertThat(events).filteredOn(PlanEvent::hasTaskResultIgnored).as("late results, only from deleted instances")
        .allMatch(e -> deleted.contains(e.getTaskResultIgnored().getInstanceId()));
    int failovers = 0;
    for (String task : tasks) {
      List<PlanEvent> delegations = events.stream()
          .filter(e -> e.hasTaskDelegated() && e.getTaskDelegated().getTaskId().equals(task)).toList();
      for (int i = 1; i < delegations.size(); i++) {
        String previous = delegations.get(i - 1).getTaskDelegated().getInstanceId();
        String reason = delegations.get(i).getTaskDelegated().getReason();
        assertThat(deleted).as("%s delegated again (%s): its previous instance was deleted", task, reason).contains(previous);
        if (!failedOn(events, task, previous)) {
          assertThat(reason).as("why %s was delegated again", task).contains(previous);
        }
        failovers++;
      }
      String successOn = events.stream().filter(e -> e.hasTaskSucceeded() && e.getTaskSucceeded().getTaskId().equals(task))
          .findFirst().orElseThrow().getTaskSucceeded().getInstanceId();
      assertThat(events.stream().filter(e -> e.hasTaskStarted() && e.getTaskStarted().getTaskId().equals(task)
              && !e.getTaskStarted().getInstanceId().equals(successOn)).map(e -> e.getTaskStarted().getInstanceId()))
          .as("instances %s started on besides the one it succeeded on", task).allMatch(deleted::contains);
    }
    // A deleted sub-orchestrator's running tasks finished once: on it (before it went) or, failed
    // over with a reason naming it, elsewhere.
    runningAtKill.forEach((kill, running) -> running.forEach(task -> {
      String on = events.stream().filter(e -> e.hasTaskSucceeded() && e.getTaskSucceeded().getTaskId().equals(task))
          .findFirst().orElseThrow().getTaskSucceeded().getInstanceId();
      if (!on.equals(kill.instanceId()) && !failedOn(events, task, kill.instanceId())) {
        assertThat(events).as("%s moved off %s", task, kill.pod()).anyMatch(e -> e.hasTaskDelegated()
            && e.getTaskDelegated().getTaskId().equals(task) && e.getTaskDelegated().getInstanceId().equals(on)
            && e.getTaskDelegated().getReason().contains(kill.instanceId()));
      }
    }));

    // With part 4's drain, a gracefully deleted sub-orchestrator finishes its running tasks itself
    // (they last seconds; the drain timeout is 30 s) and says so in its log.
    // Unless no master led when it drained (a take-over under way: it was still dialling): then what
    // it finished could not be reported, and the new leader fails those tasks over (checked above).
    // That case is a known weakness (docs/chaos-testing.md): the drain does not wait for a leader.
    if (PodArgs.DRAIN) {
      runningAtKill.forEach((kill, running) -> {
        if (!kill.role().equals("master") && kill.signal().equals("SIGTERM")) {
          String log = pods.log(kill.pod());
          assertThat(log).as("%s's log", kill.pod()).contains("draining: ").contains("drained");
          if (registeredWhenDraining(log)) {
            running.forEach(task -> assertThat(events).as("%s drained on %s", task, kill.pod()).anyMatch(e -> e.hasTaskSucceeded()
                && e.getTaskSucceeded().getTaskId().equals(task) && e.getTaskSucceeded().getInstanceId().equals(kill.instanceId())));
          } else {
            System.out.println("PODKILL note: " + kill.pod() + " drained while no master led; its tasks " + running
                + " were failed over by the new leader");
          }
        }
      });
    } else {
      System.out.println("PODKILL note: this build has no --drain-timeout (part 4): graceful deletions are judged as forced ones");
    }

    // The surviving sub-orchestrators' own counters equal the journal's successes on them.
    Map<String, LoadMetrics> before = run.before();
    Map<String, Long> expected = new TreeMap<>();
    Map<String, Long> ran = new TreeMap<>();
    pods.liveSubs().forEach((id, p) -> {
      LoadMetrics now = PodController.load(p.address());
      LoadMetrics then = before.getOrDefault(id, LoadMetrics.getDefaultInstance());
      ran.put(id, now.getCompletedTasks() - then.getCompletedTasks());
      expected.put(id, events.stream().filter(e -> e.hasTaskSucceeded() && e.getTaskSucceeded().getInstanceId().equals(id)).count());
      assertThat(now.getFailedTasks() - then.getFailedTasks()).as("executions failed on %s", id).isZero();
    });
    assertThat(ran).as("executions finished per surviving sub-orchestrator").isEqualTo(expected);
    long onDeleted = events.stream().filter(e -> e.hasTaskSucceeded() && deleted.contains(e.getTaskSucceeded().getInstanceId())).count();

    int masters = (int) kills.stream().filter(k -> k.role().equals("master")).count();
    return new Figures(kills.size(), masters, (int) kills.stream().filter(PodController.Kill::leader).count(),
        kills.size() - masters, (int) kills.stream().filter(k -> k.signal().equals("SIGKILL")).count(), failovers, onDeleted);
  }

  private static double seconds(Instant since) {
    return Duration.between(since, Instant.now()).toMillis() / 1000.0;
  }

  /** True when an attempt of {@code task} on {@code instance} failed (and was retried elsewhere). */
  private static boolean failedOn(List<PlanEvent> events, String task, String instance) {
    return events.stream().anyMatch(e -> e.hasTaskFailed() && e.getTaskFailed().getTaskId().equals(task)
        && e.getTaskFailed().getInstanceId().equals(instance));
  }

  /** True when the pod's last word on its master before "draining:" was a registration. */
  static boolean registeredWhenDraining(String log) {
    int drain = log.indexOf("draining: ");
    String before = drain < 0 ? log : log.substring(0, drain);
    int registered = before.lastIndexOf("registered with master");
    int lost = Math.max(before.lastIndexOf("dialling master"), before.lastIndexOf("coordination stream to master"));
    return registered > lost;
  }
}
