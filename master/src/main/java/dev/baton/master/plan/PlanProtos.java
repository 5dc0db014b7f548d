package dev.baton.master.plan;

import dev.baton.v1.DomainAnalysis;
import dev.baton.v1.ExecutionLevel;
import dev.baton.v1.OrchestratorTaskAssignment;
import dev.baton.v1.Plan;
import dev.baton.v1.PlanAnalysis;
import dev.baton.v1.PlanContext;
import dev.baton.v1.PlanMetadata;
import dev.baton.v1.PlanSpec;
import dev.baton.v1.RetryPolicySpec;
import dev.baton.v1.RoutingDecision;
import dev.baton.v1.SyncPointSpec;
import dev.baton.v1.TaskSimulationSpec;
import dev.baton.v1.TaskSpec;
import java.util.Map;

/**
 * Maps a compiled plan back to the API: the normalised plan (every default filled in, every task's
 * orchestrator set to its routed domain, durations in canonical words) and its analysis.
 */
public final class PlanProtos {
  /** The seed's orchestrator names per domain (testing: the name its specialisation declares). */
  static final Map<String, String> ORCHESTRATOR_NAMES = Map.of(
      "frontend", "Frontend Development Orchestrator",
      "backend", "Backend Development Orchestrator",
      "devops", "DevOps & Infrastructure Orchestrator",
      "testing", "Testing & Quality Orchestrator");

  private PlanProtos() {}

  /** The seed's orchestrator id of a domain: {@code backend-orchestrator}. */
  public static String orchestratorId(String domain) {
    return domain + "-orchestrator";
  }

  /** The plan as a {@code baton.v1.Plan} with defaults filled in; compiling it again gives the same plan. */
  public static Plan toProto(PlanModel.Plan plan) {
    PlanSpec.Builder spec = PlanSpec.newBuilder()
        .setStrategy(plan.strategy().word())
        .setSynchronization(plan.synchronization().word())
        .setFailureHandling(plan.failureHandling().word())
        .setDelegationPolicy(plan.delegationPolicy().word())
        .setContext(PlanContext.newBuilder()
            .setProject(plan.context().project())
            .addAllTechStack(plan.context().techStack())
            .addAllDesignDecisions(plan.context().designDecisions())
            .addAllQualityRequirements(plan.context().qualityRequirements()))
        .setRetry(RetryPolicySpec.newBuilder()
            .setMaxRetries(plan.retry().maxRetries())
            .setBackoff(Durations.format(plan.retry().backoff())));
    plan.deadline().ifPresent(d -> spec.setDeadline(Durations.format(d)));
    PlanModel.Agents agents = plan.agents();
    agents.repository().ifPresent(r -> spec.setRepository(dev.baton.v1.RepositorySpec.newBuilder()
        .setUrl(r.url())
        .setBaseBranch(r.baseBranch())
        .setMerge(r.merge().word())
        .setSetup(dev.baton.v1.RepositorySetupSpec.newBuilder()
            .setSubmodules(r.setupSubmodules())
            .addAllCopy(r.setupCopy())
            .setCommand(r.setupCommand()))));
    if (!agents.budget().isNone()) {
      spec.setBudget(budget(agents.budget()));
    }
    spec.setRunner(agents.runner());
    for (PlanModel.Task t : plan.tasks()) {
      spec.addTasks(task(t));
    }
    for (PlanModel.SyncPoint p : plan.syncPoints()) {
      SyncPointSpec.Builder b = SyncPointSpec.newBuilder()
          .setName(p.name())
          .addAllParticipants(p.participants())
          .addAllAfter(p.after())
          .addAllBefore(p.before())
          .setMode(p.mode().word())
          .setTimeout(Durations.format(p.timeout()));
      p.checks().forEach(c -> b.addChecks(c.word()));
      p.mediation().policies().forEach((c, m) -> b.putMediation(c.word(), m.word()));
      if (p.mediation().maxRounds() != PlanModel.Mediation.DEFAULT_MAX_ROUNDS) {
        b.setMaxRounds(p.mediation().maxRounds());
      }
      spec.addSyncPoints(b);
    }
    return Plan.newBuilder()
        .setApiVersion(PlanValidator.API_VERSION)
        .setKind(PlanValidator.KIND)
        .setMetadata(PlanMetadata.newBuilder().setName(plan.name()).setDescription(plan.description()))
        .setSpec(spec)
        .build();
  }

  /** One task as the API's spec, defaults filled in (compiling it again gives the same task). */
  public static TaskSpec task(PlanModel.Task t) {
    TaskSpec.Builder b = TaskSpec.newBuilder()
        .setId(t.id())
        .setDescription(t.description())
        .setOrchestrator(t.domain())
        .setEstimate(Durations.format(t.estimate()))
        .setPriority(t.priority().word())
        .addAllDependsOn(t.dependsOn())
        .addAllRequirements(t.requirements())
        .addAllConstraints(t.constraints())
        .addAllDeliverables(t.deliverables())
        .setTimeout(Durations.format(t.timeout()));
    t.droid().ifPresent(b::setDroid);
    t.run().ifPresent(b::setRun);
    if (!t.simulation().equals(PlanModel.Simulation.NONE)) {
      b.setSimulate(TaskSimulationSpec.newBuilder()
          .setFailFirstAttempts(t.simulation().failFirstAttempts())
          .setHang(t.simulation().hang())
          .putAllDocuments(t.simulation().documents())
          .putAllRemediation(t.simulation().remediation()));
    }
    if (!t.work().budget().isNone()) {
      b.setBudget(budget(t.work().budget()));
    }
    t.work().verify().ifPresent(b::setVerify);
    b.putAllPublishes(t.work().publishes());
    return b.build();
  }

  private static dev.baton.v1.BudgetSpec budget(PlanModel.Budget budget) {
    dev.baton.v1.BudgetSpec.Builder b = dev.baton.v1.BudgetSpec.newBuilder()
        .setUsd(budget.usd())
        .setTokens(budget.tokens())
        .setTurns(budget.turns());
    if (!budget.wall().isZero()) {
      b.setWall(Durations.format(budget.wall()));
    }
    return b.build();
  }

  /** The routing decision of one task. */
  public static RoutingDecision routing(PlanModel.Task t) {
    return RoutingDecision.newBuilder()
        .setTaskId(t.id())
        .setOrchestrator(t.domain())
        .setReason(t.routing().reason())
        .setExplicit(t.routing().explicit())
        .build();
  }

  /** The plan's decomposition: domain analysis, routing of every task, assignments, levels, estimates. */
  public static PlanAnalysis analysisToProto(PlanModel.Plan plan) {
    PlanModel.Analysis a = plan.analysis();
    PlanModel.DomainAnalysis d = a.domains();
    PlanAnalysis.Builder b = PlanAnalysis.newBuilder()
        .setDomainAnalysis(DomainAnalysis.newBuilder()
            .setFrontendComplexity(d.frontend())
            .setBackendComplexity(d.backend())
            .setDevopsComplexity(d.devops())
            .setTestingComplexity(d.testing())
            .setDataComplexity(d.data())
            .setSecurityComplexity(d.security()))
        .addAllCriticalPath(a.criticalPath())
        .setCriticalPathMinutes(a.criticalPathMinutes())
        .setSequentialMinutes(a.sequentialMinutes())
        .setEstimatedMakespanMinutes(a.estimatedMakespanMinutes());
    plan.tasks().forEach(t -> b.addRouting(routing(t)));
    for (PlanModel.Assignment as : a.assignments()) {
      b.addAssignments(OrchestratorTaskAssignment.newBuilder()
          .setOrchestratorId(orchestratorId(as.domain()))
          .setOrchestratorName(ORCHESTRATOR_NAMES.getOrDefault(as.domain(), as.domain()))
          .addAllSubTasks(as.taskIds())
          .setEstimatedDurationMinutes(as.estimatedMinutes())
          .addAllDependencies(as.dependsOnDomains())
          .setPriority(as.priority().word()));
    }
    for (PlanModel.Level l : a.levels()) {
      b.addLevels(ExecutionLevel.newBuilder()
          .setLevel(l.level())
          .addAllTaskIds(l.taskIds())
          .addAllOrchestrators(l.domains()));
    }
    return b.build();
  }
}
