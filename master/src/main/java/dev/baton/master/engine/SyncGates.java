package dev.baton.master.engine;

import dev.baton.master.plan.PlanModel;
import dev.baton.master.registry.CoordinateSink;
import dev.baton.master.registry.Instance;
import dev.baton.master.sync.SyncBarrier;
import dev.baton.v1.CoordinateResponse;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SyncArrival;
import dev.baton.v1.SyncNotify;
import dev.baton.v1.SyncPointReached;
import dev.baton.v1.SyncPointReleased;
import dev.baton.v1.SyncPointState;
import dev.baton.v1.SyncPointStatus;
import dev.baton.v1.SyncRelease;
import dev.baton.v1.SyncResult;
import dev.baton.v1.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan's sync points as barriers over the Coordinate streams: reached when every {@code after}
 * task succeeded, then every live instance of each participant domain is sent SyncNotify and its
 * SyncArrival (with its shared state) awaited; then the conflict detector runs and the point is
 * released (SyncRelease to the participants, the {@code before} tasks become ready).
 *
 * <p>Modes: tight waits for every notified instance still alive, and fails the plan past the
 * point's timeout; loose waits up to the timeout and goes on with whoever arrived ({@code missing}
 * lists the rest); eventual opens the gate at once and releases (recording the state) when the
 * arrivals are in or the timeout passed. Confined to the engine's thread.
 */
final class SyncGates {
  private final PlanRun run;
  private final Engine engine;
  private final Map<String, Gate> gates = new LinkedHashMap<>();

  private static final class Gate {
    final PlanModel.SyncPoint point;
    final Instant reachedAt;
    Instant waitingSince;
    SyncBarrier barrier;
    Instant timeoutAt;
    boolean released;

    Gate(PlanModel.SyncPoint point, Instant reachedAt) {
      this.point = point;
      this.reachedAt = reachedAt;
    }
  }

  SyncGates(PlanRun run, Engine engine) {
    this.run = run;
    this.engine = engine;
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
              && gates.get(sp.name()) != null && gates.get(sp.name()).barrier != null);
      if (!open) {
        return false;
      }
    }
    return true;
  }

  /** A reached point not yet released keeps the plan from finishing. */
  boolean pending() {
    return gates.values().stream().anyMatch(g -> !g.released);
  }

  /** Re-examines the open points: instances that appeared or died, timeouts. */
  void check() {
    Instant now = engine.clock.instant();
    for (Gate g : List.copyOf(gates.values())) {
      if (g.released || run.finished()) {
        continue;
      }
      if (g.barrier == null) {
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
        release(g);
        run.step(); // inside a step this only asks for one more round
      } else if (!now.isBefore(g.timeoutAt)) {
        if (g.point.mode() == PlanModel.SyncMode.TIGHT) {
          run.failPlan("sync point '" + g.point.name() + "' (tight) timed out after "
              + Duration.between(g.reachedAt, now).toMillis() + " ms waiting for: "
              + String.join(", ", g.barrier.missing()));
          return;
        }
        release(g);
        run.step();
      }
    }
  }

  void onArrival(String instanceId, SyncArrival arrival) {
    Gate g = gates.get(arrival.getSyncPoint());
    if (g == null || g.released || g.barrier == null || run.finished()) {
      return;
    }
    g.barrier.arrive(instanceId, arrival.getState());
    if (g.barrier.complete()) {
      release(g);
      run.step();
    }
  }

  private void notifyParticipants(Gate g) {
    Instant now = engine.clock.instant();
    List<Instance> live = new ArrayList<>();
    for (String domain : g.point.participants()) {
      List<Instance> healthy = engine.registry.healthy(domain);
      if (healthy.isEmpty()) {
        if (g.waitingSince == null) {
          g.waitingSince = now;
        } else if (!now.isBefore(g.waitingSince.plus(engine.settings.instanceWait()))) {
          run.failPlan("sync point '" + g.point.name() + "': No orchestrator found for specialization: " + domain);
        }
        return;
      }
      live.addAll(healthy);
    }
    List<String> ids = live.stream().map(Instance::id).toList();
    g.barrier = new SyncBarrier(g.point, ids, g.reachedAt.toEpochMilli() * 1_000_000L);
    Duration timeout = g.point.timeout() == null || g.point.timeout().isZero()
        ? EngineSettings.DEFAULT_SYNC_TIMEOUT : g.point.timeout();
    Duration wall = run.scaled(timeout);
    if (wall.compareTo(engine.settings.syncTimeoutFloor()) < 0) {
      wall = engine.settings.syncTimeoutFloor();
    }
    g.timeoutAt = now.plus(wall);
    CoordinateResponse notify = CoordinateResponse.newBuilder().setSyncNotify(SyncNotify.newBuilder()
        .setPlanId(run.planId)
        .setSyncPoint(g.point.name())
        .addAllParticipants(g.point.participants())
        .addAllAfter(g.point.after())
        .setMode(g.point.mode().word())).build();
    for (String id : ids) {
      engine.registry.sink(id).ifPresent(s -> s.send(notify));
    }
  }

  private void release(Gate g) {
    g.released = true;
    Instant now = engine.clock.instant();
    SyncResult result = g.barrier.result(engine.detector, g.barrier.missing(), now.toEpochMilli() * 1_000_000L);
    run.append(e -> e.setSyncPointReleased(SyncPointReleased.newBuilder().setName(g.point.name()).setResult(result)));
    CoordinateResponse frame = CoordinateResponse.newBuilder().setSyncRelease(SyncRelease.newBuilder()
        .setPlanId(run.planId).setSyncPoint(g.point.name()).setResult(result)).build();
    for (String id : g.barrier.notified()) {
      engine.registry.sink(id).ifPresent((CoordinateSink s) -> s.send(frame));
    }
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
