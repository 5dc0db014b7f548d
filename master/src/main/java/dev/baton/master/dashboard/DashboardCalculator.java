package dev.baton.master.dashboard;

import dev.baton.master.events.PlanReducer;
import dev.baton.master.events.PlanStore;
import dev.baton.master.registry.Instance;
import dev.baton.master.registry.Registry;
import dev.baton.v1.CrossOrchestratorMetrics;
import dev.baton.v1.DashboardOverview;
import dev.baton.v1.InstanceHealth;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.MultiOrchestratorDashboard;
import dev.baton.v1.OrchestratorStatus;
import dev.baton.v1.OrchestratorSummary;
import dev.baton.v1.PerformanceMetrics;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.PlanSummary;
import dev.baton.v1.SyncPointState;
import dev.baton.v1.SyncPointStatus;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Computes the seed's dashboard now: per instance from its last heartbeat (plus this master's own
 * outstanding delegations), cross-orchestrator figures from the plans' released sync points and the
 * heartbeat latency, efficiency from the summaries of finished plans.
 */
public final class DashboardCalculator {
  private final Registry registry;
  private final PlanStore store;
  private final Supplier<Map<String, Integer>> outstanding;

  public DashboardCalculator(Registry registry, PlanStore store, Supplier<Map<String, Integer>> outstanding) {
    this.registry = registry;
    this.store = store;
    this.outstanding = outstanding;
  }

  public MultiOrchestratorDashboard compute() {
    List<Instance> instances = registry.instances();
    Map<String, Integer> ours = outstanding.get();
    MultiOrchestratorDashboard.Builder d = MultiOrchestratorDashboard.newBuilder();
    int active = 0;
    int executing = 0;
    double healthSum = 0;
    int runningSlots = 0;
    int totalSlots = 0;
    double latencySum = 0;
    int latencyCount = 0;
    PerformanceMetrics.Builder perf = PerformanceMetrics.newBuilder();
    Set<String> liveDomains = new HashSet<>();
    for (Instance i : instances) {
      LoadMetrics load = i.load();
      int max = i.maxConcurrentTasks();
      int current = Math.max(load.getCurrentTasks(), Math.min(max, ours.getOrDefault(i.id(), 0)));
      long done = load.getCompletedTasks() + load.getFailedTasks();
      double success = done == 0 ? 1.0 : (double) load.getCompletedTasks() / done;
      boolean offline = i.health() == InstanceHealth.INSTANCE_HEALTH_OFFLINE;
      String status;
      if (offline) {
        status = "failed";
      } else if (load.getQueueLength() > 0 && current >= max) {
        status = "overloaded";
      } else if (current > 0 || load.getQueueLength() > 0) {
        status = "active";
      } else {
        status = "idle";
      }
      d.putOrchestratorStatus(i.id(), OrchestratorStatus.newBuilder()
          .setStatus(status)
          .setCurrentLoad(Math.min(1.0, (double) current / max))
          .setQueueLength(load.getQueueLength())
          .setAvgResponseTime(load.getAvgCompletionTimeSeconds())
          .setSuccessRate(success)
          .setDomain(i.domain())
          .setAddress(i.address())
          .setCostUsdTotal(load.getCostUsdTotal())
          .setTokensTotal(load.getTokensTotal())
          .build());
      if (offline) {
        continue;
      }
      liveDomains.add(i.domain());
      if (!status.equals("idle")) {
        active++;
      }
      executing += current;
      healthSum += i.healthy() ? success : success / 2;
      runningSlots += Math.min(current, max);
      totalSlots += max;
      if (i.latencyMillis() > 0) {
        latencySum += i.latencyMillis();
        latencyCount++;
      }
      if (load.getQueueLength() > max) {
        perf.addBottleneckOrchestrators(i.id());
        perf.addOptimizationOpportunities("add a replica of " + i.domain() + ": " + i.id() + " has "
            + load.getQueueLength() + " queued tasks for " + max + " slots");
      }
    }
    d.setOverview(DashboardOverview.newBuilder()
        .setTotalOrchestrators(instances.size())
        .setActiveOrchestrators(active)
        .setTotalTasksExecuting(executing)
        .setOverallHealthScore(instances.isEmpty() ? 0 : 100.0 * healthSum / instances.size()));

    long syncs = 0;
    long syncMillis = 0;
    long conflicts = 0;
    long resolved = 0;
    long unresolved = 0;
    double efficiencySum = 0;
    int finishedPlans = 0;
    dev.baton.v1.Usage usage = dev.baton.v1.Usage.getDefaultInstance();
    for (PlanStatus p : store.list()) {
      if (p.hasUsage()) {
        usage = dev.baton.runtime.droid.Usages.plus(usage, p.getUsage());
      }
      for (SyncPointStatus sp : p.getSyncPointsList()) {
        if (sp.getState() == SyncPointState.SYNC_POINT_STATE_RELEASED) {
          syncs++;
          syncMillis += sp.getResult().getDurationMs();
        }
        if (sp.getState() == SyncPointState.SYNC_POINT_STATE_RELEASED
            || sp.getState() == SyncPointState.SYNC_POINT_STATE_FAILED) {
          conflicts += sp.getResult().getConflictsCount();
          resolved += sp.getResult().getConflictsResolved();
          unresolved += sp.getResult().getUnresolvedCount();
        }
      }
      if (PlanReducer.isFinished(p.getState()) && p.hasSummary()) {
        double e = efficiency(p.getSummary());
        if (e >= 0) {
          efficiencySum += e;
          finishedPlans++;
        }
      }
      for (String domain : p.getAnalysis().getAssignmentsList().stream()
          .map(a -> a.getOrchestratorId().replace("-orchestrator", "")).toList()) {
        if (!PlanReducer.isFinished(p.getState()) && !liveDomains.contains(domain)) {
          perf.addOptimizationOpportunities("plan " + p.getPlanId() + " needs " + domain
              + " but no live instance serves it: start one");
        }
      }
    }
    d.setCrossOrchestratorMetrics(CrossOrchestratorMetrics.newBuilder()
        .setTotalSynchronizations(syncs)
        .setAvgSyncTime(syncs == 0 ? 0 : (double) syncMillis / syncs)
        .setCrossOrchestratorConflicts(conflicts)
        .setConflictsResolved(resolved)
        .setConflictsUnresolved(unresolved)
        .setCommunicationLatency(latencyCount == 0 ? 0 : latencySum / latencyCount));
    perf.setParallelEfficiency(finishedPlans == 0 ? 0 : efficiencySum / finishedPlans)
        .setResourceUtilization(totalSlots == 0 ? 0 : (double) runningSlots / totalSlots);
    d.setPerformanceMetrics(perf);
    if (!usage.equals(dev.baton.v1.Usage.getDefaultInstance())) {
      d.setUsage(usage);
    }
    return d.build();
  }

  /** Busy time of all domains over (makespan x domains that had work), 0..1; -1 when unmeasurable. */
  static double efficiency(PlanSummary s) {
    double busy = 0;
    int domains = 0;
    for (OrchestratorSummary o : s.getOrchestratorsList()) {
      if (o.getMeasuredBusyMinutes() > 0) {
        busy += o.getMeasuredBusyMinutes();
        domains++;
      }
    }
    if (domains == 0 || s.getMeasuredMakespanMinutes() <= 0) {
      return -1;
    }
    return Math.min(1.0, busy / (s.getMeasuredMakespanMinutes() * domains));
  }
}
