package dev.baton.cli;

import dev.baton.runtime.text.Lines;
import dev.baton.runtime.droid.Usages;
import dev.baton.v1.ExecutionLevel;
import dev.baton.v1.LevelSummary;
import dev.baton.v1.ListOrchestratorsResponse;
import dev.baton.v1.MultiOrchestratorDashboard;
import dev.baton.v1.OrchestratorInstance;
import dev.baton.v1.OrchestratorStatus;
import dev.baton.v1.OrchestratorSummary;
import dev.baton.v1.OrchestratorTaskAssignment;
import dev.baton.v1.Plan;
import dev.baton.v1.PlanAnalysis;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.PlanSummary;
import dev.baton.v1.RoutingDecision;
import dev.baton.v1.SyncPointStatus;
import dev.baton.v1.SyncPointSummary;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.TaskUsage;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** The text renderings of plans, analyses and dashboards that people read in a terminal. */
final class PlanReport {
  private PlanReport() {}

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /** The closing summary of a finished plan: estimated against measured, per orchestrator and level. */
  static void summary(PlanStatus status, PrintStream out) {
    PlanSummary s = status.getSummary();
    out.println();
    out.println(f("Plan %s (%s): %s in %.1f s wall clock (time scale %s)",
        status.getName(), status.getPlanId(), EventFormat.state(status.getState()),
        s.getMeasuredWallMillis() / 1000.0, scale(status.getTimeScale())));
    if (!status.getReason().isEmpty()) {
      out.println("  reason: " + status.getReason());
    }
    if (!status.hasSummary()) {
      out.println("  (the master sent no summary)");
      return;
    }
    out.println();
    out.println(f("  %-12s %5s %10s %14s %9s %7s %8s",
        "orchestrator", "tasks", "estimated", "busy measured", "succeeded", "failed", "retries"));
    for (OrchestratorSummary o : s.getOrchestratorsList()) {
      out.println(f("  %-12s %5d %6.0f min %10.1f min %9d %7d %8d", o.getOrchestrator(), o.getTasks(),
          o.getEstimatedMinutes(), o.getMeasuredBusyMinutes(), o.getSucceeded(), o.getFailed(), o.getRetries()));
    }
    out.println();
    out.println("  Levels (tasks whose dependencies lie in earlier levels):");
    for (LevelSummary l : s.getLevelsList()) {
      out.println(f("    level %d: %2d tasks, %5.0f min estimated, on %s", l.getLevel(), l.getTasks(),
          l.getEstimatedMinutes(), String.join(", ", l.getOrchestratorsList())));
    }
    out.println();
    PlanAnalysis a = status.getAnalysis();
    out.println(f("  Critical path (%.0f min): %s", s.getCriticalPathMinutes(),
        String.join(" -> ", a.getCriticalPathList())));
    double sequential = s.getSequentialMinutes();
    out.println(f("  Makespan estimated: %.0f min against %.0f min sequential (%.1fx faster)",
        s.getEstimatedMakespanMinutes(), sequential, ratio(sequential, s.getEstimatedMakespanMinutes())));
    out.println(f("  Makespan measured:  %.1f min of plan time (%.1f s wall clock, %.1fx faster than sequential)",
        s.getMeasuredMakespanMinutes(), s.getMeasuredWallMillis() / 1000.0,
        ratio(sequential, s.getMeasuredMakespanMinutes())));
    if (s.getSyncPointsCount() > 0) {
      out.println();
      out.println("  Sync points:");
      for (SyncPointSummary p : s.getSyncPointsList()) {
        out.println(f("    %-28s %-30s %6d ms  %d conflicts", p.getName(),
            String.join(", ", p.getParticipantsList()), p.getDurationMs(), p.getConflicts()));
      }
    }
    usage(s, out);
    git(status, out);
  }

  /** Tokens, turns and cost per task, orchestrator and plan, when the droids reported any. */
  static void usage(PlanSummary s, PrintStream out) {
    if (!s.hasUsage()) {
      return;
    }
    out.println();
    out.println("  Usage and cost:");
    out.println(f("    %-28s %-22s %12s %6s %10s", "task", "droid", "tokens", "turns", "cost"));
    for (TaskUsage t : s.getTasksList()) {
      out.println(f("    %-28s %-22s %12s %6d %10s", t.getTaskId(), cut(t.getDroid(), 22),
          f("%,d", Usages.tokens(t.getUsage())), t.getUsage().getTurns(), cost(t.getUsage())));
    }
    for (OrchestratorSummary o : s.getOrchestratorsList()) {
      if (o.hasUsage()) {
        out.println(f("    %-51s %12s %6d %10s", "orchestrator " + o.getOrchestrator(),
            f("%,d", Usages.tokens(o.getUsage())), o.getUsage().getTurns(), cost(o.getUsage())));
      }
    }
    out.println(f("    %-51s %12s %6d %10s", "plan", f("%,d", Usages.tokens(s.getUsage())),
        s.getUsage().getTurns(), cost(s.getUsage())));
  }

  /** The integration branch and where each task's work landed. */
  static void git(PlanStatus status, PrintStream out) {
    if (status.getIntegrationBranch().isEmpty()) {
      return;
    }
    out.println();
    out.println(f("  Integration branch %s at %s (%s)", status.getIntegrationBranch(),
        Lines.shortSha(status.getIntegrationCommit()), status.getRepositoryUrl()));
    if (s(status).hasUsage() && s(status).getUsage().getCostEstimated()) {
      out.println("    * estimated from tokens and the price table (the runner reported no cost)");
    }
    for (TaskStatus t : status.getTasksList()) {
      if (t.hasGit() && !t.getGit().getMergeCommit().isEmpty()) {
        out.println(f("    %-28s %s merged as %s, %d file(s) +%d -%d", t.getId(), Lines.shortSha(t.getGit().getCommit()),
            Lines.shortSha(t.getGit().getMergeCommit()), t.getGit().getFilesCount(), t.getGit().getInsertions(),
            t.getGit().getDeletions()));
      }
    }
  }

  private static PlanSummary s(PlanStatus status) {
    return status.getSummary();
  }

  private static String cost(dev.baton.v1.Usage u) {
    return u.getCostUsd() == 0 ? "-" : f("$%.4f%s", u.getCostUsd(), u.getCostEstimated() ? "*" : "");
  }

  private static String cut(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 1) + "~";
  }

  private static double ratio(double a, double b) {
    return b <= 0 ? 0 : a / b;
  }

  /** 0.001 rather than 1.0E-3; 0 (the proto's "unset") is 1. */
  static String scale(double timeScale) {
    return timeScale == 0 ? "1" : java.math.BigDecimal.valueOf(timeScale).stripTrailingZeros().toPlainString();
  }

  /** A plan's state now: its tasks and sync points. */
  static void status(PlanStatus status, PrintStream out) {
    out.println(f("Plan %s (%s): %s, strategy %s, %d tasks", status.getName(), status.getPlanId(),
        EventFormat.state(status.getState()), status.getStrategy(), status.getTasksCount()));
    if (!status.getReason().isEmpty()) {
      out.println("  reason: " + status.getReason());
    }
    boolean real = status.hasUsage() || !status.getIntegrationBranch().isEmpty();
    out.println(f("  %-28s %-10s %-10s %7s %9s  %s", "task", "orch.", "state", "attempt", "progress",
        real ? "instance, commit, tokens, cost" : "instance"));
    for (TaskStatus t : status.getTasksList()) {
      String extra = !real ? "" : f("  %s %s %s", t.getGit().getCommit().isEmpty() ? "-" : Lines.shortSha(t.getGit().getCommit()),
          f("%,d", Usages.tokens(t.getUsage())), cost(t.getUsage()));
      out.println(f("  %-28s %-10s %-10s %7d %8.0f%%  %s%s", t.getId(), t.getOrchestrator(),
          EventFormat.shortEnum(t.getState(), "TASK_STATE_"), t.getAttempt(), t.getProgress() * 100,
          t.getInstanceId(), extra));
    }
    if (!status.getIntegrationBranch().isEmpty()) {
      out.println(f("  integration branch %s at %s (%s)", status.getIntegrationBranch(),
          Lines.shortSha(status.getIntegrationCommit()), status.getRepositoryUrl()));
    }
    if (status.hasUsage()) {
      out.println(f("  usage: %s", Usages.describe(status.getUsage())));
    }
    for (SyncPointStatus p : status.getSyncPointsList()) {
      out.println(f("  sync point %-28s %s", "'" + p.getName() + "'",
          EventFormat.shortEnum(p.getState(), "SYNC_POINT_STATE_")));
    }
  }

  /** What {@code baton validate} prints: routing with reasons, levels, critical path, makespan. */
  static void analysis(Plan plan, PlanAnalysis a, PrintStream out) {
    out.println(f("Plan %s is valid: strategy %s, %d tasks, %d sync points",
        plan.getMetadata().getName(), plan.getSpec().getStrategy(), plan.getSpec().getTasksCount(),
        plan.getSpec().getSyncPointsCount()));
    out.println();
    out.println("Routing:");
    for (RoutingDecision r : a.getRoutingList()) {
      out.println(f("  %-28s -> %-9s %s", r.getTaskId(), r.getOrchestrator(), r.getReason()));
    }
    out.println();
    out.println("Orchestrators:");
    for (OrchestratorTaskAssignment o : a.getAssignmentsList()) {
      out.println(f("  %-22s %2d tasks, %4.0f min%s", o.getOrchestratorId(), o.getSubTasksCount(),
          o.getEstimatedDurationMinutes(),
          o.getDependenciesCount() == 0 ? "" : ", waits for " + String.join(", ", o.getDependenciesList())));
    }
    out.println();
    out.println("Levels:");
    for (ExecutionLevel l : a.getLevelsList()) {
      out.println(f("  level %d [%s]: %s", l.getLevel(), String.join(", ", l.getOrchestratorsList()),
          String.join(", ", l.getTaskIdsList())));
    }
    out.println();
    out.println(f("Critical path (%.0f min): %s", a.getCriticalPathMinutes(), String.join(" -> ", a.getCriticalPathList())));
    out.println(f("Makespan estimated: %.0f min against %.0f min sequential (%.1fx faster)",
        a.getEstimatedMakespanMinutes(), a.getSequentialMinutes(),
        ratio(a.getSequentialMinutes(), a.getEstimatedMakespanMinutes())));
  }

  /** The dashboard and the registered instances. */
  static void dashboard(MultiOrchestratorDashboard d, ListOrchestratorsResponse instances, PrintStream out) {
    out.println(f("Orchestrators: %d registered, %d active, %d tasks executing, health %.0f/100",
        d.getOverview().getTotalOrchestrators(), d.getOverview().getActiveOrchestrators(),
        d.getOverview().getTotalTasksExecuting(), d.getOverview().getOverallHealthScore()));
    out.println(f("  %-32s %-9s %-21s %-10s %5s %5s %8s", "instance", "domain", "address", "status", "load",
        "queue", "success"));
    for (Map.Entry<String, OrchestratorStatus> e : new java.util.TreeMap<>(d.getOrchestratorStatusMap()).entrySet()) {
      OrchestratorStatus s = e.getValue();
      out.println(f("  %-32s %-9s %-21s %-10s %4.0f%% %5d %7.0f%%", e.getKey(), s.getDomain(), s.getAddress(),
          s.getStatus(), s.getCurrentLoad() * 100, s.getQueueLength(), s.getSuccessRate() * 100));
    }
    for (OrchestratorInstance i : instances.getInstancesList()) {
      if (!d.getOrchestratorStatusMap().containsKey(i.getOrchestrator().getId())) {
        out.println(f("  %-32s %-9s %-21s %s", i.getOrchestrator().getId(),
            i.getOrchestrator().getSpecialization().getDomain(), i.getOrchestrator().getAddress(),
            EventFormat.shortEnum(i.getHealth(), "INSTANCE_HEALTH_")));
      }
    }
    var m = d.getCrossOrchestratorMetrics();
    out.println(f("Synchronizations: %d (avg %.0f ms), conflicts %d, coordination latency %.1f ms",
        m.getTotalSynchronizations(), m.getAvgSyncTime(), m.getCrossOrchestratorConflicts(),
        m.getCommunicationLatency()));
    var p = d.getPerformanceMetrics();
    out.println(f("Parallel efficiency %.0f%%, resource utilization %.0f%%%s", p.getParallelEfficiency() * 100,
        p.getResourceUtilization() * 100,
        p.getBottleneckOrchestratorsCount() == 0 ? "" : ", bottlenecks: " + String.join(", ", p.getBottleneckOrchestratorsList())));
  }
}
