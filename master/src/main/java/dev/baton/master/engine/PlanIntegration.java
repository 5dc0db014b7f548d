package dev.baton.master.engine;

import dev.baton.master.plan.PlanModel;
import dev.baton.runtime.git.BranchNames;
import dev.baton.v1.Checkpoint;
import dev.baton.v1.CrossOrchestratorConflict;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DelegationResult;
import dev.baton.v1.IntegrationBranchCreated;
import dev.baton.v1.IntegrationBranchReset;
import dev.baton.v1.Remediation;
import dev.baton.v1.TaskMerged;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One plan's integration branch: created before any task is dispatched (every task's base commit
 * is its head), and each succeeded task's branch merged into it in the order the results came,
 * before the task counts as succeeded. So a task whose dependencies succeeded always starts from a
 * commit that holds their work.
 *
 * <p>A branch that does not merge cleanly is a conflict of check {@code merge}, mediated like a
 * sync point's: a remediation task goes to the task's own domain, in a worktree of the integration
 * branch's head with the task's commit merged in and the conflicts left in the files (their paths
 * and hunks in its prompt); its commit is that merge, which then merges cleanly, and the original
 * task succeeds with it. At most {@link #MAX_ROUNDS} rounds per task, then the plan fails.
 *
 * <p>State: {@code CREATING} until the branch exists, then {@code READY}; merges wait in a queue
 * and run one at a time on the git executor. Scheduler thread only, except the git calls, whose
 * results are posted back to it.
 */
final class PlanIntegration {
  private static final Logger log = LoggerFactory.getLogger(PlanIntegration.class);

  enum State { CREATING, READY, FAILED }

  /** Remediation rounds of one task's merge conflict before the plan fails. */
  static final int MAX_ROUNDS = 2;

  /** A succeeded attempt waiting for its merge. */
  private record Pending(Attempt attempt, DelegationResult result) {}

  /**
   * A remediation task resolving a merge conflict: the original attempt (still merging) and its
   * result, the commit the remediation's worktree merges in, and the conflict it resolves.
   */
  private record Fix(Attempt origin, DelegationResult originResult, String mergeCommit, int round,
      CrossOrchestratorConflict conflict) {}

  private final Map<String, Fix> fixes = new HashMap<>();
  private final Map<String, Integer> rounds = new HashMap<>();

  private final PlanRun run;
  private final Engine engine;
  private final PlanModel.Repository spec;
  private final Executor git;
  private final Deque<Pending> queue = new ArrayDeque<>();
  private State state = State.CREATING;
  private Integrations.Repository repository;
  private boolean merging;

  PlanIntegration(PlanRun run, Engine engine, PlanModel.Repository spec, Executor git) {
    this.run = run;
    this.engine = engine;
    this.spec = spec;
    this.git = git;
  }

  boolean ready() {
    return state == State.READY;
  }

  /**
   * Opens the repository and creates the integration branch (or, taking a plan over, finds the
   * one its journal says was created); the plan fails when that cannot be done.
   */
  void start(boolean alreadyCreated) {
    String planId = run.planId;
    git.execute(() -> {
      try {
        Integrations.Repository repo = engine.integrations.open(spec.url());
        String head = repo.createIntegrationBranch(planId, spec.baseBranch()); // finds it when it exists
        engine.post(() -> {
          if (alreadyCreated) { // a take-over: the branch and its event exist
            repository = repo;
            state = State.READY;
            next(); // results of re-attached attempts may have come first
            run.step();
          } else {
            created(repo, head);
          }
        });
      } catch (Exception e) {
        log.warn("plan {}: cannot create its integration branch in {}", planId, spec.url(), e);
        engine.post(() -> {
          state = State.FAILED;
          run.failPlan("repository " + spec.url() + ": cannot create the integration branch "
              + BranchNames.integration(planId)
              + " from " + spec.baseBranch() + ": " + e.getMessage());
        });
      }
    });
  }

  private void created(Integrations.Repository repo, String head) {
    if (run.finished()) {
      return;
    }
    repository = repo;
    state = State.READY;
    run.append(e -> e.setIntegrationBranchCreated(IntegrationBranchCreated.newBuilder()
        .setBranch(BranchNames.integration(run.planId)).setBaseBranch(spec.baseBranch()).setCommit(head).setUrl(repo.url())));
    run.step();
  }

  /** Queues the attempt's merge; it succeeds (or fails on a conflict) once merged. */
  void merge(Attempt a, DelegationResult result) {
    a.merging();
    queue.addLast(new Pending(a, result));
    next();
  }

  private void next() {
    // Taking a plan over, an attempt re-attached on its instance may report its success before the
    // repository is open: its merge waits in the queue until start() finds the branch.
    if (state != State.READY || merging || queue.isEmpty() || run.finished()) {
      return;
    }
    Pending p = queue.pollFirst();
    merging = true;
    Attempt a = p.attempt();
    String commit = p.result().getGit().getCommit();
    String message = "Merge " + a.task.id() + " (attempt " + a.number + ") into "
        + BranchNames.integration(run.planId);
    Integrations.Repository repo = repository;
    git.execute(() -> {
      Integrations.Merge outcome;
      try {
        outcome = repo.merge(run.planId, a.task.id(), commit, spec.merge(), message);
      } catch (Exception e) {
        log.warn("plan {}: merging {} failed", run.planId, a.task.id(), e);
        outcome = new Integrations.Conflicted(List.of(), List.of("merge failed: " + e.getMessage()));
      }
      Integrations.Merge done = outcome;
      engine.post(() -> merged(p, done));
    });
  }

  private void merged(Pending p, Integrations.Merge outcome) {
    merging = false;
    Attempt a = p.attempt();
    if (!run.finished() && run.inFlight.get(a.task.id()) == a) {
      if (outcome instanceof Integrations.Merged m) {
        mergedCleanly(a, p.result(), m.commit());
        Fix fix = fixes.remove(a.task.id());
        if (fix != null && run.inFlight.get(fix.origin().task.id()) == fix.origin()) {
          mergedCleanly(fix.origin(), fix.originResult(), m.commit());
        }
      } else if (outcome instanceof Integrations.Conflicted c) {
        conflicted(a, p.result(), c);
      }
    }
    next();
  }

  private void mergedCleanly(Attempt a, DelegationResult droidResult, String mergeCommit) {
    run.append(e -> e.setTaskMerged(TaskMerged.newBuilder().setTaskId(a.task.id()).setAttempt(a.number)
        .setCommit(droidResult.getGit().getCommit()).setMergeCommit(mergeCommit).setStrategy(spec.merge().word())));
    DelegationResult result = droidResult.toBuilder()
        .setGit(droidResult.getGit().toBuilder().setMergeCommit(mergeCommit)).build();
    run.completeSuccess(a, result);
  }

  /**
   * The attempt's branch conflicts: a remediation task of the task's own domain resolves it (a
   * remediation whose own merge conflicts hands over to the next round, its work kept in it).
   */
  private void conflicted(Attempt a, DelegationResult result, Integrations.Conflicted c) {
    Fix previous = fixes.remove(a.task.id());
    Attempt origin = previous == null ? a : previous.origin();
    DelegationResult originResult = previous == null ? result : previous.originResult();
    int round = rounds.merge(origin.task.id(), 1, Integer::sum);
    String message = conflictMessage(a, c);
    if (previous != null) {
      run.completeSuccess(a, result); // its work goes on in the next round's merge
    }
    if (round > MAX_ROUNDS) {
      run.failPlan("task '" + origin.task.id() + "': the merge conflict with the integration branch is still there after "
          + MAX_ROUNDS + " remediation rounds; " + message);
      return;
    }
    origin.merging(); // it stays merging while the remediation runs
    CrossOrchestratorConflict conflict = CrossOrchestratorConflict.newBuilder()
        .setCheck("merge")
        .addParties(origin.task.domain())
        .setLocation(c.files().isEmpty() ? "branch " + BranchNames.task(run.planId, origin.task.id()) : String.join(", ", c.files()))
        .setDescription(message)
        .setSuggestedFix("resolve the conflicts in a worktree of the integration branch with the task's commit merged in")
        .setMustChange(origin.task.domain())
        .setPolicy("task_branch_changes")
        .build();
    PlanModel.Task fix = fixTask(origin, round, c);
    fixes.put(fix.id(), new Fix(origin, originResult, result.getGit().getCommit(), round, conflict));
    run.addTask(fix, "merge of " + origin.task.id(), round, List.of(conflict), a.instance == null ? null
        : a.instance.id());
    run.step();
  }

  /** The remediation task of round {@code round} of the origin's merge conflict. */
  private PlanModel.Task fixTask(Attempt origin, int round, Integrations.Conflicted c) {
    PlanModel.Task t = origin.task;
    List<String> requirements = new ArrayList<>();
    requirements.add("resolve every conflict marker (<<<<<<< ======= >>>>>>>) so that both sides' intent is kept");
    c.hunks().stream().limit(20).forEach(requirements::add);
    String description = "Resolve the merge conflict between task " + t.id() + "'s work and the integration branch "
        + BranchNames.integration(run.planId) + (c.files().isEmpty() ? "" : " in " + String.join(", ", c.files()))
        + ". The original task: " + t.description();
    PlanModel.Routing routing = new PlanModel.Routing(t.domain(), "remediation of the merge of " + t.id()
        + " (round " + round + ")", true, 1.0);
    PlanModel.Work work = new PlanModel.Work(t.work().budget(), t.work().verify(), t.work().publishes());
    return new PlanModel.Task(t.id() + "-merge-" + round, run.nextAddedIndex(), description, t.domain(), routing,
        t.droid(), Mediator.REMEDIATION_ESTIMATE, PlanModel.Priority.HIGH, List.of(),
        List.copyOf(requirements), List.of("change only what the conflicts need"),
        List.copyOf(c.files()), Optional.empty(), Mediator.REMEDIATION_TIMEOUT,
        PlanModel.Simulation.NONE, work);
  }

  /**
   * The package of a merge remediation task: its worktree merges the conflicting commit in, and its
   * prompt names the conflicts. Other packages are returned as they are.
   */
  DelegationPackage decorate(DelegationPackage pkg) {
    if (!pkg.hasRepository()) {
      return pkg;
    }
    DelegationPackage.Builder b = pkg.toBuilder();
    b.getRepositoryBuilder().setMasterEpoch(engine.integrations.epoch());
    Fix fix = fixes.get(pkg.getTaskId());
    if (fix == null) {
      return b.build();
    }
    b.getRepositoryBuilder().clearMergeCommits().addMergeCommits(fix.mergeCommit());
    b.setRemediation(Remediation.newBuilder()
        .setSyncPoint("merge of " + fix.origin().task.id())
        .setRound(fix.round())
        .addConflicts(fix.conflict().getDescription())
        .addAllFiles(Arrays.stream(fix.conflict().getLocation().split(", ")).filter(f -> !f.startsWith("branch ")).toList()));
    return b.build();
  }

  /**
   * Moves the integration branch back to the checkpoint's commit when it moved since (queued
   * behind the merges under way, on the git executor); the abandoned head stays under a
   * {@code rolled-back/N} branch named in the IntegrationBranchReset event.
   */
  void resetTo(Checkpoint checkpoint) {
    String target = checkpoint.getIntegrationCommit();
    String current = run.status().getIntegrationCommit();
    if (state != State.READY || target.isEmpty() || target.equals(current)) {
      return;
    }
    Integrations.Repository repo = repository;
    String planId = run.planId;
    git.execute(() -> {
      try {
        String preserved = repo.resetTo(planId, target);
        engine.post(() -> run.append(e -> e.setIntegrationBranchReset(IntegrationBranchReset.newBuilder()
            .setBranch(BranchNames.integration(planId)).setFromCommit(current)
            .setToCommit(target).setPreservedRef(preserved).setCheckpointId(checkpoint.getId()))));
      } catch (Exception e) {
        log.warn("plan {}: cannot reset the integration branch to {}", planId, target, e);
        engine.post(() -> run.failPlan("checkpoint " + checkpoint.getId() + ": cannot reset the integration branch to "
            + target + ": " + e.getMessage()));
      }
    });
  }

  /** A merge remediation task failed for good: its conflict stays, so the plan cannot succeed. */
  void taskFailed(String taskId, String error) {
    Fix fix = fixes.remove(taskId);
    if (fix != null) {
      run.failPlan("task '" + fix.origin().task.id() + "': its merge conflict was not resolved: remediation task '"
          + taskId + "' failed: " + error);
    }
  }

  static String conflictMessage(Attempt a, Integrations.Conflicted c) {
    StringBuilder b = new StringBuilder("merge conflict: task ").append(a.task.id())
        .append("'s branch does not merge cleanly into the integration branch");
    if (!c.files().isEmpty()) {
      b.append(" (").append(String.join(", ", c.files())).append(")");
    }
    for (String hunk : c.hunks().subList(0, Math.min(5, c.hunks().size()))) {
      b.append("; ").append(hunk);
    }
    return b.toString();
  }
}
