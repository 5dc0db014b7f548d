package dev.baton.master.delegation;

import dev.baton.master.plan.PlanModel;
import dev.baton.runtime.droid.Usages;
import dev.baton.runtime.git.BranchNames;
import dev.baton.v1.Budget;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.RepositoryCheckout;
import dev.baton.v1.RepositorySetup;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.Usage;
import java.time.Duration;
import java.util.Map;

/**
 * The parts of a delegation that only real droids use: the runner the plan asks for, the budget
 * left, the verify command, the documents to publish, where the work goes in git (the integration
 * branch's head, which holds every dependency, since a task succeeds only once merged), and what
 * a retry needs (the previous attempt's session and output).
 */
final class RealWork {
  /** Output of a failed attempt put in the next attempt's prompt. */
  static final int PREVIOUS_OUTPUT_CHARS = 16 * 1024;
  /** An attempt of a real droid may take its estimate this many times over, and at least {@link #MIN_ATTEMPT}. */
  static final int ESTIMATE_FACTOR = 3;
  static final Duration MIN_ATTEMPT = Duration.ofMinutes(30);

  private RealWork() {}

  static void fill(DelegationPackage.Builder b, String planId, PlanModel.Plan plan, PlanModel.Task task,
      Map<String, TaskStatus> tasks, PlanStatus status) {
    b.setRunner(plan.agents().runner());
    task.work().verify().ifPresent(b::setVerify);
    b.putAllPublishes(task.work().publishes());
    Budget budget = budget(plan, task, status);
    if (!budget.equals(Budget.getDefaultInstance())) {
      b.setBudget(budget);
    }
    plan.agents().repository().ifPresent(r -> b.setRepository(RepositoryCheckout.newBuilder()
        .setUrl(status.getRepositoryUrl().isEmpty() ? r.url() : status.getRepositoryUrl())
        .setBaseCommit(status.getIntegrationCommit())
        .setIntegrationBranch(integrationBranch(planId))
        .setTaskBranch(taskBranch(planId, task.id()))
        .setSetup(RepositorySetup.newBuilder()
            .setSubmodules(r.setupSubmodules())
            .addAllCopyFiles(r.setupCopy())
            .setCommand(r.setupCommand()))));
    for (String dep : task.dependsOn()) {
      TaskStatus ts = tasks.get(dep);
      if (ts != null && !ts.getGit().getCommit().isEmpty()) {
        b.putDependencyCommits(dep, ts.getGit().getCommit());
      }
    }
    TaskStatus self = tasks.get(task.id());
    if (self != null && self.hasResult()) {
      if (!self.getResult().getSessionId().isEmpty()) {
        b.setResumeSessionId(self.getResult().getSessionId());
      }
      String output = self.getLastError() + "\n" + self.getResult().getOutputTail();
      if (output.length() > PREVIOUS_OUTPUT_CHARS) {
        output = output.substring(output.length() - PREVIOUS_OUTPUT_CHARS);
      }
      b.setPreviousAttemptOutput(output.strip());
    }
  }

  static String integrationBranch(String planId) {
    return BranchNames.integration(planId);
  }

  static String taskBranch(String planId, String taskId) {
    return BranchNames.task(planId, taskId);
  }

  /**
   * The task's own budget, capped on each axis by what the plan's budget has left (zero fields:
   * no limit). Several tasks running at once may each be handed the whole remainder; the master
   * also stops the plan when the sum crosses its budget.
   */
  static Budget budget(PlanModel.Plan plan, PlanModel.Task task, PlanStatus status) {
    PlanModel.Budget own = task.work().budget();
    PlanModel.Budget planBudget = plan.agents().budget();
    Usage spent = status.getUsage();
    return Budget.newBuilder()
        .setUsd(min(own.usd(), planBudget.usd() == 0 ? 0 : Math.max(1e-9, planBudget.usd() - spent.getCostUsd())))
        .setTokens((long) min(own.tokens(), planBudget.tokens() == 0 ? 0
            : Math.max(1, planBudget.tokens() - Usages.budgetTokens(spent))))
        .setTurns((int) min(own.turns(), planBudget.turns() == 0 ? 0 : Math.max(1, planBudget.turns() - spent.getTurns())))
        .setWallMillis(own.wall().toMillis())
        .build();
  }

  /** The smaller of two limits where zero means none. */
  private static double min(double a, double b) {
    if (a == 0) {
      return b;
    }
    if (b == 0) {
      return a;
    }
    return Math.min(a, b);
  }

  /**
   * How long the master waits for an attempt of a real droid: the task's wall budget when set,
   * else its estimate three times over (plan time is real time for agents; the time scale only
   * speeds up simulations), at least {@link #MIN_ATTEMPT}, plus a minute to hand back the result.
   */
  static Duration attemptBudget(PlanModel.Plan plan, PlanModel.Task task) {
    Duration wall = task.work().budget().wall();
    if (!wall.isZero()) {
      return wall.plusMinutes(1);
    }
    Duration byEstimate = task.estimate().multipliedBy(ESTIMATE_FACTOR);
    return (byEstimate.compareTo(MIN_ATTEMPT) < 0 ? MIN_ATTEMPT : byEstimate).plusMinutes(1);
  }
}
