package dev.baton.master.grpc;

import com.google.protobuf.Timestamp;
import dev.baton.master.plan.PlanCompiler;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.registry.Instance;
import dev.baton.runtime.server.BatonException;
import dev.baton.v1.CoordinationStrategy;
import dev.baton.v1.MasterCapabilities;
import dev.baton.v1.MasterDescriptor;
import dev.baton.v1.OrchestratorInstance;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.PlanSummaryLine;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.TaskState;
import dev.baton.v1.ValidatePlanRequest;
import java.time.Instant;
import java.util.List;

/** Maps between the Master API's messages and the engine's plain Java; the handlers only call this. */
final class MasterMapper {
  private MasterMapper() {}

  static PlanModel.Plan plan(SubmitPlanRequest r) {
    java.util.function.UnaryOperator<dev.baton.v1.Plan> overrides = p -> overrides(p, r);
    return switch (r.getSourceCase()) {
      case PLAN -> PlanCompiler.compile(overrides.apply(r.getPlan()));
      case PLAN_YAML -> PlanCompiler.compileYaml(r.getPlanYaml(), overrides);
      case SOURCE_NOT_SET -> throw BatonException.invalidArgument(
          "SubmitPlanRequest carries no plan (expected: plan or plan_yaml)");
    };
  }

  /** The submission's runner and repository URL, put into the plan (validated with it). */
  static dev.baton.v1.Plan overrides(dev.baton.v1.Plan plan, SubmitPlanRequest r) {
    if (r.getRunner().isEmpty() && r.getRepositoryUrl().isEmpty()) {
      return plan;
    }
    dev.baton.v1.Plan.Builder b = plan.toBuilder();
    if (!r.getRunner().isEmpty()) {
      b.getSpecBuilder().setRunner(r.getRunner());
    }
    if (!r.getRepositoryUrl().isEmpty()) {
      b.getSpecBuilder().getRepositoryBuilder().setUrl(r.getRepositoryUrl());
    }
    return b.build();
  }

  static PlanModel.Plan plan(ValidatePlanRequest r) {
    return switch (r.getSourceCase()) {
      case PLAN -> PlanCompiler.compile(r.getPlan());
      case PLAN_YAML -> PlanCompiler.compileYaml(r.getPlanYaml());
      case SOURCE_NOT_SET -> throw BatonException.invalidArgument(
          "ValidatePlanRequest carries no plan (expected: plan or plan_yaml)");
    };
  }

  /** 0 means 1; negative, NaN or infinite is refused. */
  static double timeScale(double requested) {
    if (Double.isNaN(requested) || Double.isInfinite(requested) || requested < 0) {
      throw BatonException.invalidArgument("time_scale: " + requested
          + " (expected: > 0, e.g. 0.001 for one plan minute in 60 ms; 0 means 1)");
    }
    return requested == 0 ? 1.0 : requested;
  }

  static String planId(String id) {
    if (id.isBlank()) {
      throw BatonException.invalidArgument("plan_id is empty (expected the id SubmitPlan returned)");
    }
    return id;
  }

  static BatonException unknownPlan(String id) {
    return BatonException.notFound("unknown plan id '" + id + "' (ListPlans shows the plans this master knows)");
  }

  static PlanSummaryLine line(PlanStatus s) {
    PlanSummaryLine.Builder b = PlanSummaryLine.newBuilder()
        .setPlanId(s.getPlanId())
        .setName(s.getName())
        .setState(s.getState())
        .setTasks(s.getTasksCount())
        .setTasksSucceeded((int) s.getTasksList().stream()
            .filter(t -> t.getState() == TaskState.TASK_STATE_SUCCEEDED).count())
        .setCostUsd(s.getUsage().getCostUsd());
    if (s.hasSubmittedAt()) {
      b.setSubmittedAt(s.getSubmittedAt());
    }
    if (s.hasStartedAt()) {
      b.setStartedAt(s.getStartedAt());
    }
    if (s.hasFinishedAt()) {
      b.setFinishedAt(s.getFinishedAt());
    }
    return b.build();
  }

  static OrchestratorInstance instance(Instance i, String breakerState) {
    return OrchestratorInstance.newBuilder()
        .setOrchestrator(i.descriptor())
        .setLoad(i.load())
        .setHealth(i.health())
        .setLastHeartbeatAgeMs(i.heartbeatAge().toMillis())
        .setBreakerState(breakerState)
        .build();
  }

  static MasterDescriptor master(String id, String address, List<Instance> instances) {
    MasterDescriptor.Builder b = MasterDescriptor.newBuilder()
        .setId(id)
        .setName("Master Orchestrator")
        .setRole("master")
        .setCapabilities(MasterCapabilities.newBuilder()
            .setTaskDecomposition(true)
            .setOrchestratorDelegation(true)
            .setCrossOrchestratorCoordination(true)
            .setConflictMediation(false))
        .setCoordinationStrategy(CoordinationStrategy.newBuilder()
            .setDelegationPolicy("score")
            .setSynchronizationMode("tight")
            .setFailureHandling("failover"))
        .setAddress(address);
    for (Instance i : instances) {
      if (i.healthy()) {
        b.addSubOrchestrators(i.descriptor());
      }
    }
    return b.build();
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
