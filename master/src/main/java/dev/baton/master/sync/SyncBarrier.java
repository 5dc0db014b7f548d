package dev.baton.master.sync;

import dev.baton.master.plan.PlanModel;
import dev.baton.v1.SharedState;
import dev.baton.v1.SyncResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One reached sync point waiting for its participants: the instances notified, those that arrived
 * and what they brought. Confined to the scheduler's thread.
 */
public final class SyncBarrier {
  private final PlanModel.SyncPoint point;
  private final long reachedAtNanos;
  private final Set<String> expected = new LinkedHashSet<>();
  private final Map<String, SharedState> arrived = new LinkedHashMap<>();

  /**
   * @param notified instance ids the point was announced to
   * @param reachedAtNanos a monotonic reading, for the point's duration
   */
  public SyncBarrier(PlanModel.SyncPoint point, List<String> notified, long reachedAtNanos) {
    this.point = point;
    this.reachedAtNanos = reachedAtNanos;
    expected.addAll(notified);
  }

  public PlanModel.SyncPoint point() {
    return point;
  }

  /** Records an instance's arrival; an arrival from an instance not notified counts as well. */
  public void arrive(String instanceId, SharedState state) {
    arrived.put(instanceId, state);
  }

  /** An expected instance is gone (its stream ended): it can no longer arrive. */
  public void drop(String instanceId) {
    if (!arrived.containsKey(instanceId)) {
      expected.remove(instanceId);
    }
  }

  /** Every expected instance arrived. */
  public boolean complete() {
    return arrived.keySet().containsAll(expected);
  }

  public List<String> missing() {
    List<String> m = new ArrayList<>();
    for (String id : expected) {
      if (!arrived.containsKey(id)) {
        m.add(id);
      }
    }
    return m;
  }

  public Set<String> notified() {
    return Set.copyOf(expected);
  }

  public List<SharedState> states() {
    return List.copyOf(arrived.values());
  }

  /** The seed's SyncResult with the given conflicts (already detected), timed from the point's reaching. */
  public SyncResult.Builder result(List<dev.baton.v1.CrossOrchestratorConflict> conflicts, long nowNanos) {
    return SyncResult.newBuilder()
        .setSyncPoint(point.name())
        .setParticipants(expected.size())
        .addAllSharedState(states())
        .setDurationMs(Math.max(0, (nowNanos - reachedAtNanos) / 1_000_000))
        .addAllConflicts(conflicts)
        .setMode(point.mode().word())
        .addAllMissing(missing());
  }

  /** Instance ids that arrived, in arrival order. */
  public List<String> arrivedIds() {
    return List.copyOf(arrived.keySet());
  }

  /** The seed's SyncResult with the conflicts the detector found. */
  public SyncResult result(ConflictDetector detector, List<String> missing, long nowNanos) {
    List<SharedState> states = states();
    var conflicts = detector.detect(point, states);
    return SyncResult.newBuilder()
        .setSyncPoint(point.name())
        .setParticipants(expected.size())
        .setConflictsResolved(conflicts.size())
        .addAllSharedState(states)
        .setDurationMs(Math.max(0, (nowNanos - reachedAtNanos) / 1_000_000))
        .addAllConflicts(conflicts)
        .setMode(point.mode().word())
        .addAllMissing(missing)
        .build();
  }
}
