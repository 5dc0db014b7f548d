package dev.baton.master.engine;

import dev.baton.master.plan.PlanModel;
import dev.baton.master.registry.Instance;
import dev.baton.master.sync.SyncBarrier;
import dev.baton.v1.CoordinateResponse;
import dev.baton.v1.CrossOrchestratorConflict;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SharedDocument;
import dev.baton.v1.SharedState;
import dev.baton.v1.SyncArrival;
import dev.baton.v1.SyncNotify;
import dev.baton.v1.SyncPointChecked;
import dev.baton.v1.SyncPointReached;
import dev.baton.v1.SyncPointReleased;
import dev.baton.v1.SyncPointState;
import dev.baton.v1.SyncPointStatus;
import dev.baton.v1.SyncRelease;
import dev.baton.v1.SyncResult;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A plan's sync points as barriers over the Coordinate streams: reached when every {@code after}
 * task succeeded, then every live instance of each participant domain that has a Coordinate stream
 * is sent SyncNotify and its SyncArrival (with its shared state) awaited; then the conflict detector
 * runs, the master mediates (remediation tasks, re-check) and the point is released (SyncRelease to
 * the participants, the {@code before} tasks become ready). docs/sync-and-mediation.md.
 *
 * <p>Modes: tight waits for every notified instance still alive, and fails the plan past the
 * point's timeout; loose waits up to the timeout and goes on with whoever arrived ({@code missing}
 * and {@code unchecked} list the rest); eventual opens the gate at once, checks at every arrival,
 * notifies the parties of new conflicts and never remediates. Confined to the engine's thread.
 */
final class SyncGates {
  private final PlanRun run;
  private final Engine engine;
  private final Map<String, Gate> gates = new LinkedHashMap<>();

  /** Where a reached point stands; changed only by {@link Gate#move}. */
  enum Phase {
    /** Reached; waiting for a reachable instance of every participant domain to notify. */
    NOTIFYING,
    /** Notified; gathering arrivals (an eventual point's gate is open from here). */
    GATHERING,
    /** Conflicts found; the round's remediation tasks run, then the participants are notified again. */
    REMEDIATING,
    /** Released: its {@code before} tasks may go. */
    RELEASED
  }

  private static final Map<Phase, Set<Phase>> NEXT = Map.of(
      Phase.NOTIFYING, java.util.EnumSet.of(Phase.GATHERING),
      Phase.GATHERING, java.util.EnumSet.of(Phase.REMEDIATING, Phase.RELEASED),
      Phase.REMEDIATING, java.util.EnumSet.of(Phase.NOTIFYING),
      Phase.RELEASED, java.util.EnumSet.noneOf(Phase.class));

  private static final class Gate {
    final PlanModel.SyncPoint point;
    final Instant reachedAt;
    private Phase phase = Phase.NOTIFYING;
    Instant waitingSince;
    /** The arrivals of the current round: set on GATHERING, kept for the result and the notifications. */
    SyncBarrier barrier;
    Instant timeoutAt;
    /** Rebuilt by a take-over and not notified again yet. */
    boolean resumed;
    /** The detection round under way, 1-based. */
    int round = 1;
    /** Remediation tasks of the current round; empty when waiting for arrivals. */
    final List<String> remediating = new ArrayList<>();
    /** Every conflict detected over the rounds, by (check, location, parties). */
    final Map<List<String>, CrossOrchestratorConflict> detected = new LinkedHashMap<>();
    /** Eventual: conflicts the parties were already told about. */
    final Set<List<String>> notified = new HashSet<>();
    /** Domain -> instance that ran its last remediation: its documents supersede the others'. */
    final Map<String, String> fixedBy = new HashMap<>();

    Gate(PlanModel.SyncPoint point, Instant reachedAt) {
      this.point = point;
      this.reachedAt = reachedAt;
    }

    void move(Phase to) {
      if (!NEXT.get(phase).contains(to)) {
        throw new IllegalStateException("sync point '" + point.name() + "': " + phase + " -> " + to);
      }
      phase = to;
    }

    boolean released() {
      return phase == Phase.RELEASED;
    }
  }

  SyncGates(PlanRun run, Engine engine) {
    this.run = run;
    this.engine = engine;
  }

  /**
   * Rebuilds the gates of a plan taken over from its journal: released points stay released; a
   * point mid-barrier notifies its participants again (their arrivals were in the old master's
   * memory); a point mid-mediation waits for its round's remediation tasks as before.
   */
  void resume(Resumption r, Map<String, TaskStatus> tasks) {
    for (Resumption.Gate facts : r.gates.values()) {
      PlanModel.SyncPoint point = run.plan.syncPoints().stream().filter(p -> p.name().equals(facts.name)).findFirst()
          .orElse(null);
      if (point == null) {
        continue;
      }
      Gate g = new Gate(point, facts.reachedAt);
      // Arrivals were the old master's: a point mid-barrier notifies again; one mid-mediation waits for its round.
      g.phase = facts.released ? Phase.RELEASED : facts.remediating.isEmpty() ? Phase.NOTIFYING : Phase.REMEDIATING;
      g.round = facts.round;
      g.resumed = true;
      g.remediating.addAll(facts.remediating);
      g.detected.putAll(facts.detected);
      g.notified.addAll(facts.notified);
      for (String id : facts.remediatedBefore) {
        TaskStatus ts = tasks.get(id);
        if (ts != null && !ts.getInstanceId().isEmpty()) {
          g.fixedBy.put(ts.getOrchestrator(), ts.getInstanceId());
        }
      }
      gates.put(point.name(), g);
    }
  }

  /** Reaches every waiting point whose {@code after} tasks all succeeded; true if any was. */
  boolean reachDue(PlanStatus st, Map<String, TaskStatus> tasks) {
    boolean any = false;
    for (PlanModel.SyncPoint sp : run.plan.syncPoints()) {
      if (gates.containsKey(sp.name()) || !sp.after().stream().allMatch(id -> PlanRun.succeeded(tasks, id))) {
        continue;
      }
      Gate g = new Gate(sp, engine.clock.instant());
      gates.put(sp.name(), g);
      run.append(e -> e.setSyncPointReached(SyncPointReached.newBuilder().setName(sp.name())
          .addAllParticipants(sp.participants())));
      notifyParticipants(g);
      any = true;
    }
    return any;
  }

  /** True when every sync point gating the task is released (or reached, if eventual). */
  boolean gatesOpen(PlanModel.Task task, PlanStatus st) {
    for (PlanModel.SyncPoint sp : run.plan.syncPoints()) {
      if (!sp.before().contains(task.id())) {
        continue;
      }
      SyncPointState state = pointStatus(st, sp.name()).getState();
      boolean open = state == SyncPointState.SYNC_POINT_STATE_RELEASED
          || (sp.mode() == PlanModel.SyncMode.EVENTUAL && state == SyncPointState.SYNC_POINT_STATE_REACHED
              && gates.get(sp.name()) != null && gates.get(sp.name()).phase != Phase.NOTIFYING);
      if (!open) {
        return false;
      }
    }
    return true;
  }

  /** A reached point not yet released keeps the plan from finishing. */
  boolean pending() {
    return gates.values().stream().anyMatch(g -> !g.released());
  }

  /** Re-examines the open points: instances that appeared or died, timeouts, remediation outcomes. */
  void check() {
    Instant now = engine.clock.instant();
    for (Gate g : List.copyOf(gates.values())) {
      if (g.released() || run.finished()) {
        continue;
      }
      if (g.phase == Phase.REMEDIATING) {
        checkRemediation(g);
        continue;
      }
      if (g.phase == Phase.NOTIFYING) {
        notifyParticipants(g);
        continue;
      }
      for (String id : g.barrier.notified()) {
        boolean alive = engine.registry.instance(id).map(Instance::healthy).orElse(false);
        if (!alive) {
          g.barrier.drop(id);
        }
      }
      if (g.barrier.complete()) {
        settle(g);
        run.step(); // inside a step this only asks for one more round
      } else if (!now.isBefore(g.timeoutAt)) {
        if (g.point.mode() == PlanModel.SyncMode.TIGHT) {
          run.failPlan("sync point '" + g.point.name() + "' (tight) timed out after "
              + Duration.between(g.reachedAt, now).toMillis() + " ms waiting for: "
              + String.join(", ", g.barrier.missing()));
          return;
        }
        settle(g);
        run.step();
      }
    }
  }

  void onArrival(String instanceId, SyncArrival arrival) {
    Gate g = gates.get(arrival.getSyncPoint());
    if (g == null || g.phase != Phase.GATHERING || run.finished()) {
      return;
    }
    g.barrier.arrive(instanceId, arrival.getState());
    if (g.barrier.complete()) {
      settle(g);
      run.step();
    } else if (g.point.mode() == PlanModel.SyncMode.EVENTUAL) {
      notifyNew(g, detect(g));
    }
  }

  /** The arrivals are in (or the wait is over): detect, then release or mediate. */
  private void settle(Gate g) {
    List<CrossOrchestratorConflict> conflicts = detect(g);
    boolean eventual = g.point.mode() == PlanModel.SyncMode.EVENTUAL;
    if (conflicts.isEmpty()) {
      checked(g, conflicts, List.of(), "clean");
      release(g, List.of());
    } else if (eventual) {
      notifyNew(g, conflicts);
      release(g, conflicts);
    } else if (g.round > g.point.mediation().maxRounds()
        || conflicts.stream().allMatch(c -> c.getMustChange().isEmpty())) {
      checked(g, conflicts, List.of(), "unresolved");
      notifyParties(g, conflicts, List.of());
      giveUp(g, conflicts);
    } else {
      remediate(g, conflicts);
    }
  }

  /** Runs the detector over what arrived; records and decides every conflict (who must change). */
  private List<CrossOrchestratorConflict> detect(Gate g) {
    List<String> missingDomains = missingDomains(g);
    List<CrossOrchestratorConflict> out = new ArrayList<>();
    for (CrossOrchestratorConflict c : engine.detector.detect(g.point, superseded(g))) {
      // A missing participant's absent documents are reported as `unchecked`, not as conflicts.
      if (c.getCheck().equals("document") && missingDomains.containsAll(c.getPartiesList())) {
        continue;
      }
      CrossOrchestratorConflict decided = Mediator.decide(g.point, c);
      out.add(decided);
      g.detected.putIfAbsent(key(decided), decided);
    }
    return out;
  }

  private void remediate(Gate g, List<CrossOrchestratorConflict> conflicts) {
    List<SharedState> states = superseded(g);
    List<PlanModel.Task> tasks = new ArrayList<>();
    for (var e : Mediator.byChangingDomain(conflicts).entrySet()) {
      tasks.add(Mediator.remediation(run.plan, g.point, g.round, e.getKey(), e.getValue(), states,
          run.nextAddedIndex()));
    }
    List<String> ids = tasks.stream().map(PlanModel.Task::id).toList();
    g.move(Phase.REMEDIATING);
    checked(g, conflicts, ids, "remediating");
    notifyParties(g, conflicts, ids);
    for (PlanModel.Task t : tasks) {
      List<CrossOrchestratorConflict> own = Mediator.byChangingDomain(conflicts).get(t.domain());
      run.addTask(t, g.point.name(), g.round, own, publisher(states, t.domain()));
      g.remediating.add(t.id());
    }
  }

  /** When every remediation task of the round succeeded, the participants re-arrive for the next check. */
  private void checkRemediation(Gate g) {
    Map<String, TaskStatus> tasks = PlanRun.byId(run.status());
    for (String id : g.remediating) {
      TaskState s = tasks.get(id).getState();
      if (s == TaskState.TASK_STATE_FAILED || s == TaskState.TASK_STATE_CANCELLED || s == TaskState.TASK_STATE_SKIPPED) {
        run.failPlan("sync point '" + g.point.name() + "': remediation task '" + id + "' "
            + Events.word(s) + "; unresolved: " + describe(List.copyOf(g.detected.values())));
        return;
      }
    }
    if (!g.remediating.stream().allMatch(id -> PlanRun.succeeded(tasks, id))) {
      return;
    }
    for (String id : g.remediating) {
      TaskStatus ts = tasks.get(id);
      g.fixedBy.put(ts.getOrchestrator(), ts.getInstanceId());
    }
    g.remediating.clear();
    g.round++;
    g.move(Phase.NOTIFYING);
    notifyParticipants(g);
  }

  /** Out of rounds (or the policy is ask): the plan's failure handling decides. */
  private void giveUp(Gate g, List<CrossOrchestratorConflict> conflicts) {
    if (run.plan.failureHandling() == PlanModel.FailureHandling.GRACEFUL_DEGRADATION) {
      release(g, conflicts);
      return;
    }
    run.failPlan("sync point '" + g.point.name() + "': " + conflicts.size() + " conflict(s) unresolved after "
        + g.round + " check(s): " + describe(conflicts));
  }

  private void notifyParticipants(Gate g) {
    Instant now = engine.clock.instant();
    List<Instance> live = new ArrayList<>();
    for (String domain : g.point.participants()) {
      // An instance without an open Coordinate stream can never be notified, so it is not awaited.
      List<Instance> reachable = engine.registry.healthy(domain).stream()
          .filter(i -> engine.registry.sink(i.id()).isPresent()).toList();
      if (reachable.isEmpty()) {
        if (g.waitingSince == null) {
          g.waitingSince = now;
        } else if (!now.isBefore(g.waitingSince.plus(engine.settings.instanceWait()))) {
          run.failPlan("sync point '" + g.point.name() + "': No orchestrator found for specialization: " + domain);
        }
        return;
      }
      live.addAll(reachable);
    }
    g.waitingSince = null;
    List<String> ids = live.stream().map(Instance::id).toList();
    g.barrier = new SyncBarrier(g.point, ids, g.reachedAt.toEpochMilli() * 1_000_000L);
    g.move(Phase.GATHERING);
    Duration timeout = g.point.timeout() == null || g.point.timeout().isZero()
        ? EngineSettings.DEFAULT_SYNC_TIMEOUT : g.point.timeout();
    Duration wall = run.scaled(timeout);
    if (wall.compareTo(engine.settings.syncTimeoutFloor()) < 0) {
      wall = engine.settings.syncTimeoutFloor();
    }
    g.timeoutAt = now.plus(wall);
    if (g.resumed && g.round == 1) {
      // Taken over mid-barrier: the wait counts from when the point was reached (journaled), with
      // at least the floor left for the participants to arrive again at the new master.
      Instant fromReached = g.reachedAt.plus(wall);
      Instant floor = now.plus(engine.settings.syncTimeoutFloor());
      g.timeoutAt = fromReached.isAfter(floor) ? fromReached : floor;
      g.resumed = false;
    }
    CoordinateResponse notify = CoordinateResponse.newBuilder().setSyncNotify(SyncNotify.newBuilder()
        .setPlanId(run.planId)
        .setSyncPoint(g.point.name())
        .addAllParticipants(g.point.participants())
        .addAllAfter(g.point.after())
        .setMode(g.point.mode().word())).build();
    engine.outbox(() -> ids.forEach(id -> engine.registry.sink(id).ifPresent(s -> s.send(notify))));
  }

  private void release(Gate g, List<CrossOrchestratorConflict> unresolved) {
    g.move(Phase.RELEASED);
    Instant now = engine.clock.instant();
    List<CrossOrchestratorConflict> all = List.copyOf(g.detected.values());
    SyncResult result = g.barrier.result(all, now.toEpochMilli() * 1_000_000L)
        .setConflictsResolved(all.size() - unresolved.size())
        .setRounds(g.round)
        .addAllUnresolved(unresolved)
        .addAllUnchecked(unchecked(g))
        .build();
    run.append(e -> e.setSyncPointReleased(SyncPointReleased.newBuilder().setName(g.point.name()).setResult(result)));
    CoordinateResponse frame = CoordinateResponse.newBuilder().setSyncRelease(SyncRelease.newBuilder()
        .setPlanId(run.planId).setSyncPoint(g.point.name()).setResult(result)).build();
    List<String> notified = List.copyOf(g.barrier.notified());
    engine.outbox(() -> notified.forEach(id -> engine.registry.sink(id).ifPresent(s -> s.send(frame))));
  }

  private void checked(Gate g, List<CrossOrchestratorConflict> conflicts, List<String> tasks, String outcome) {
    run.append(e -> e.setSyncPointChecked(SyncPointChecked.newBuilder().setName(g.point.name()).setRound(g.round)
        .addAllConflicts(conflicts).addAllMissing(g.barrier.missing()).addAllRemediationTasks(tasks)
        .setOutcome(outcome)));
  }

  /** Eventual: tells the parties about conflicts not reported before, and records the check. */
  private void notifyNew(Gate g, List<CrossOrchestratorConflict> conflicts) {
    List<CrossOrchestratorConflict> fresh = conflicts.stream().filter(c -> g.notified.add(key(c))).toList();
    if (!fresh.isEmpty()) {
      checked(g, fresh, List.of(), "notified");
      notifyParties(g, fresh, List.of());
    }
  }

  /** A conflict_notification to every arrived instance of a party domain. */
  private void notifyParties(Gate g, List<CrossOrchestratorConflict> conflicts, List<String> tasks) {
    Set<String> parties = new HashSet<>();
    conflicts.forEach(c -> parties.addAll(c.getPartiesList()));
    Instant now = engine.clock.instant();
    for (SharedState s : g.barrier.states()) {
      if (parties.contains(s.getDomain())) {
        var message = Mediator.notification(run.planId, g.point, g.round, s.getInstanceId(), conflicts, tasks, now);
        engine.outbox(() -> engine.registry.sink(s.getInstanceId())
            .ifPresent(sink -> sink.send(CoordinateResponse.newBuilder().setMessage(message).build())));
      }
    }
  }

  /**
   * The arrived states, where a domain that was remediated keeps, on its other instances, only the
   * documents the fixing instance did not republish: the fix supersedes their stale copies.
   */
  private static List<SharedState> superseded(Gate g) {
    List<SharedState> states = g.barrier.states();
    if (g.fixedBy.isEmpty()) {
      return states;
    }
    Map<String, Set<String>> fixedNames = new HashMap<>();
    for (SharedState s : states) {
      if (s.getInstanceId().equals(g.fixedBy.get(s.getDomain()))) {
        fixedNames.put(s.getDomain(), new HashSet<>(s.getDocumentsList().stream().map(SharedDocument::getName).toList()));
      }
    }
    List<SharedState> out = new ArrayList<>();
    for (SharedState s : states) {
      Set<String> names = fixedNames.get(s.getDomain());
      if (names == null || s.getInstanceId().equals(g.fixedBy.get(s.getDomain()))) {
        out.add(s);
      } else {
        out.add(s.toBuilder().clearDocuments()
            .addAllDocuments(s.getDocumentsList().stream().filter(d -> !names.contains(d.getName())).toList()).build());
      }
    }
    return out;
  }

  /** Participant domains none of whose instances arrived. */
  private static List<String> missingDomains(Gate g) {
    Set<String> arrived = new HashSet<>();
    g.barrier.states().forEach(s -> arrived.add(s.getDomain()));
    return g.point.participants().stream().filter(d -> !arrived.contains(d)).toList();
  }

  /** "api_contract: backend did not arrive" for each check a missing participant leaves half done. */
  private static List<String> unchecked(Gate g) {
    List<String> missing = missingDomains(g);
    List<String> out = new ArrayList<>();
    for (PlanModel.Check c : g.point.checks()) {
      List<String> gone = Mediator.domainsOf(c).stream()
          .filter(d -> g.point.participants().contains(d) && missing.contains(d)).toList();
      if (!gone.isEmpty()) {
        out.add(c.word() + ": " + String.join(", ", gone) + " did not arrive");
      }
    }
    return out;
  }

  private static String publisher(List<SharedState> states, String domain) {
    return states.stream().filter(s -> s.getDomain().equals(domain) && s.getDocumentsCount() > 0)
        .map(SharedState::getInstanceId).findFirst().orElse(null);
  }

  static List<String> key(CrossOrchestratorConflict c) {
    List<String> k = new ArrayList<>(List.of(c.getCheck(), c.getLocation()));
    k.addAll(c.getPartiesList());
    return k;
  }

  static String describe(List<CrossOrchestratorConflict> conflicts) {
    List<String> parts = new ArrayList<>();
    for (CrossOrchestratorConflict c : conflicts) {
      parts.add(c.getCheck() + " " + c.getLocation() + " [" + String.join(" vs ", c.getPartiesList()) + "]"
          + (c.getMustChange().isEmpty() ? "" : " (" + c.getMustChange() + " must change)"));
    }
    return String.join("; ", parts);
  }

  private static SyncPointStatus pointStatus(PlanStatus st, String name) {
    for (SyncPointStatus sp : st.getSyncPointsList()) {
      if (sp.getName().equals(name)) {
        return sp;
      }
    }
    throw new IllegalStateException("no sync point " + name + " in plan " + st.getPlanId());
  }
}
