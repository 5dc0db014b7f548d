package dev.baton.master.delegation;

import com.google.protobuf.Timestamp;
import dev.baton.master.plan.PlanModel;
import dev.baton.v1.CommandSpec;
import dev.baton.v1.DelegationContext;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.Deliverable;
import dev.baton.v1.IntegrationPoint;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.Priority;
import dev.baton.v1.SharedArtifact;
import dev.baton.v1.SimulationSpec;
import dev.baton.v1.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builds the seed's DelegationPackage for one attempt of a task. */
public final class PackageBuilder {
  private PackageBuilder() {}

  /**
   * @param finished status of the plan's tasks by id; the deliverables of the task's succeeded
   *     dependencies become its shared artifacts
   * @param deadline when the attempt must be done
   */
  public static DelegationPackage build(String planId, PlanModel.Plan plan, PlanModel.Task task, int attempt,
      double timeScale, Map<String, TaskStatus> finished, Instant deadline) {
    return build(planId, plan, task, attempt, timeScale, finished, deadline, null);
  }

  /**
   * @param status the plan's status now (null: none of the real-droid fields are filled): its
   *     integration branch's head is the task's base commit, its usage what the plan's budget has
   *     left, the task's previous result the session to resume
   */
  public static DelegationPackage build(String planId, PlanModel.Plan plan, PlanModel.Task task, int attempt,
      double timeScale, Map<String, TaskStatus> finished, Instant deadline, PlanStatus status) {
    PlanModel.Context c = plan.context();
    DelegationContext.Builder ctx = DelegationContext.newBuilder()
        .setProjectContext(nz(c.project()))
        .addAllTechnicalStack(c.techStack())
        .addAllDesignDecisions(c.designDecisions())
        .addAllQualityRequirements(c.qualityRequirements());
    for (String dep : task.dependsOn()) {
      TaskStatus ts = finished.get(dep);
      if (ts == null || !ts.hasResult()) {
        continue;
      }
      for (Deliverable d : ts.getResult().getDeliverablesList()) {
        ctx.addSharedArtifacts(SharedArtifact.newBuilder()
            .setName(d.getName())
            .setProducedByTask(dep)
            .setOrchestrator(ts.getOrchestrator())
            .setMediaType(d.getMediaType())
            .setContent(d.getContent())
            .setLocation(d.getPath()));
      }
    }
    for (PlanModel.SyncPoint sp : plan.syncPoints()) {
      if (sp.before().contains(task.id()) || sp.after().contains(task.id())) {
        ctx.addIntegrationPoints(IntegrationPoint.newBuilder()
            .setName(sp.name())
            .addAllOrchestrators(sp.participants())
            .setDescription("sync point " + sp.name()
                + (sp.checks().isEmpty() ? "" : " checking " + words(sp.checks()))));
      }
    }
    DelegationPackage.Builder b = DelegationPackage.newBuilder()
        .setPlanId(planId)
        .setTaskId(task.id())
        .setAttempt(attempt)
        .setTaskDescription(task.description())
        .addAllRequirements(task.requirements())
        .addAllConstraints(task.constraints())
        .setContext(ctx)
        .setDeadline(Timestamp.newBuilder().setSeconds(deadline.getEpochSecond()).setNanos(deadline.getNano()))
        .setPriority(priority(task.priority()))
        .addAllDependencies(task.dependsOn())
        .addAllExpectedDeliverables(task.deliverables())
        .setDroid(task.droid().orElse(""))
        .setEstimateMinutes(task.estimateMinutes());
    if (status != null) {
      RealWork.fill(b, planId, plan, task, finished, status);
    }
    if (task.run().isPresent()) {
      b.setCommand(CommandSpec.newBuilder()
          .setRun(task.run().get())
          .setTimeoutMillis(task.timeout() == null ? 0 : task.timeout().toMillis()));
    } else {
      PlanModel.Simulation sim = task.simulation() == null ? PlanModel.Simulation.NONE : task.simulation();
      b.setSimulation(SimulationSpec.newBuilder()
          .setDurationMillis(simulatedMillis(task, timeScale))
          .setFailFirstAttempts(sim.failFirstAttempts())
          .setHang(sim.hang())
          .putAllDocuments(sim.documents()));
    }
    return b.build();
  }

  /** Wall-clock milliseconds the sim droid takes: estimate x time scale. */
  public static long simulatedMillis(PlanModel.Task task, double timeScale) {
    return Math.round(task.estimate().toMillis() * timeScale);
  }

  /** How long an attempt may take before the master gives up on it. */
  public static Duration attemptBudget(PlanModel.Plan plan, PlanModel.Task task, double timeScale) {
    if (plan.real() && task.run().isEmpty()) {
      return RealWork.attemptBudget(plan, task);
    }
    return attemptBudget(task, timeScale);
  }

  /** How long a simulated or command attempt may take before the master gives up on it. */
  public static Duration attemptBudget(PlanModel.Task task, double timeScale) {
    if (task.run().isPresent()) {
      Duration t = task.timeout() == null ? Duration.ofMinutes(30) : task.timeout();
      return t.plusSeconds(30);
    }
    if (task.simulation() != null && task.simulation().hang()) {
      // A hung droid is found out after a bounded wait rather than never.
      return Duration.ofMillis(simulatedMillis(task, timeScale) * 3).plusSeconds(10);
    }
    return Duration.ofMillis(simulatedMillis(task, timeScale) * 3).plusSeconds(60);
  }

  static Priority priority(PlanModel.Priority p) {
    return switch (p) {
      case LOW -> Priority.PRIORITY_LOW;
      case MEDIUM -> Priority.PRIORITY_MEDIUM;
      case HIGH -> Priority.PRIORITY_HIGH;
      case CRITICAL -> Priority.PRIORITY_CRITICAL;
    };
  }

  private static String words(List<? extends PlanModel.PlanWord> ws) {
    return String.join(", ", ws.stream().map(PlanModel.PlanWord::word).toList());
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
