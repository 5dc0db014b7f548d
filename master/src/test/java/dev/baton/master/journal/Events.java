package dev.baton.master.journal;

import com.google.protobuf.Timestamp;
import dev.baton.master.events.PlanReducer;
import dev.baton.v1.PlanAccepted;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanFinished;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskProgress;
import dev.baton.v1.TaskStarted;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.TaskSucceeded;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Plan events for the journal's tests: a plan of a few tasks, their progress, and its end. */
final class Events {
  private Events() {}

  static PlanEvent accepted(String planId, int tasks) {
    PlanAccepted.Builder a = PlanAccepted.newBuilder().setName(planId).setStrategy("parallel");
    for (int i = 0; i < tasks; i++) {
      a.addTasks(TaskStatus.newBuilder().setId("t" + i).setOrchestrator("backend"));
    }
    return PlanEvent.newBuilder().setPlanId(planId).setPlanAccepted(a).build();
  }

  static PlanEvent progress(String planId, int task, double p) {
    return PlanEvent.newBuilder().setPlanId(planId)
        .setTaskProgress(TaskProgress.newBuilder().setTaskId("t" + task).setProgress(p)).build();
  }

  static PlanEvent started(String planId, int task) {
    return PlanEvent.newBuilder().setPlanId(planId)
        .setTaskStarted(TaskStarted.newBuilder().setTaskId("t" + task).setAttempt(1).setInstanceId("i-1")).build();
  }

  static PlanEvent succeeded(String planId, int task) {
    return PlanEvent.newBuilder().setPlanId(planId)
        .setTaskSucceeded(TaskSucceeded.newBuilder().setTaskId("t" + task).setAttempt(1)).build();
  }

  static PlanEvent finished(String planId, Instant at) {
    return PlanEvent.newBuilder().setPlanId(planId)
        .setTime(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
        .setPlanFinished(PlanFinished.newBuilder().setState(PlanState.PLAN_STATE_SUCCEEDED).setReason("done")).build();
  }

  /** A varied event for position {@code i} of a long plan (tasks start, progress, succeed). */
  static PlanEvent nth(String planId, int i, int tasks) {
    int task = i % tasks;
    return switch (i % 3) {
      case 0 -> started(planId, task);
      case 1 -> progress(planId, task, (i % 100) / 100.0);
      default -> succeeded(planId, task);
    };
  }

  /** The status a full replay of {@code events} gives. */
  static PlanStatus replay(List<PlanEvent> events) {
    PlanStatus s = null;
    for (PlanEvent e : events) {
      s = PlanReducer.apply(s, e);
    }
    return s;
  }

  /** Runs {@code body} and returns what it logged (slf4j-simple writes to System.err). */
  static String stderrOf(Runnable body) {
    PrintStream before = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setErr(before);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    before.print(text);
    return text;
  }
}
