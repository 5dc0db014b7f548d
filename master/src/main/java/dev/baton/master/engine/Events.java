package dev.baton.master.engine;

import com.google.protobuf.Timestamp;
import dev.baton.master.plan.PlanModel;
import dev.baton.v1.RoutingDecision;
import dev.baton.v1.SyncPointState;
import dev.baton.v1.SyncPointStatus;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import java.time.Instant;

/** Small conversions the scheduler needs to write events. */
final class Events {
  private Events() {}

  static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** A task as PlanAccepted lists it: PENDING with its static fields. */
  static TaskStatus initial(PlanModel.Task t) {
    TaskStatus.Builder b = TaskStatus.newBuilder()
        .setId(t.id())
        .setDescription(t.description())
        .setOrchestrator(t.domain())
        .setState(TaskState.TASK_STATE_PENDING)
        .addAllDependsOn(t.dependsOn())
        .setEstimateMinutes(t.estimateMinutes())
        .setDroid(t.droid().orElse(""));
    if (t.routing() != null) {
      b.setRouting(RoutingDecision.newBuilder()
          .setTaskId(t.id())
          .setOrchestrator(t.routing().domain())
          .setReason(t.routing().reason())
          .setExplicit(t.routing().explicit()));
    }
    return b.build();
  }

  static SyncPointStatus initial(PlanModel.SyncPoint sp) {
    return SyncPointStatus.newBuilder()
        .setName(sp.name())
        .setState(SyncPointState.SYNC_POINT_STATE_WAITING)
        .addAllParticipants(sp.participants())
        .addAllAfter(sp.after())
        .addAllBefore(sp.before())
        .setMode(sp.mode().word())
        .build();
  }

  /** The state as a lower-case word for messages ("failed", "skipped"). */
  static String word(TaskState s) {
    return s.name().substring("TASK_STATE_".length()).toLowerCase(java.util.Locale.ROOT);
  }
}
