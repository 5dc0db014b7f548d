package dev.baton.master.engine;

import dev.baton.master.plan.PlanModel;
import dev.baton.v1.DelegationResult;
import dev.baton.v1.IntegrationBranchCreated;
import dev.baton.v1.TaskMerged;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One plan's integration branch: created before any task is dispatched (every task's base commit
 * is its head), and each succeeded task's branch merged into it in the order the results came,
 * before the task counts as succeeded. So a task whose dependencies succeeded always starts from a
 * commit that holds their work.
 *
 * <p>State: {@code CREATING} until the branch exists, then {@code READY}; merges wait in a queue
 * and run one at a time on the git executor. Scheduler thread only, except the git calls, whose
 * results are posted back to it.
 */
final class PlanIntegration {
  private static final Logger log = LoggerFactory.getLogger(PlanIntegration.class);

  enum State { CREATING, READY, FAILED }

  /** A succeeded attempt waiting for its merge. */
  private record Pending(Attempt attempt, DelegationResult result) {}

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

  /** Opens the repository and creates the integration branch; the plan fails when that cannot be done. */
  void start() {
    String planId = run.planId;
    git.execute(() -> {
      try {
        Integrations.Repository repo = engine.integrations.open(spec.url());
        String head = repo.createIntegrationBranch(planId, spec.baseBranch());
        engine.post(() -> created(repo, head));
      } catch (Exception e) {
        log.warn("plan {}: cannot create its integration branch in {}", planId, spec.url(), e);
        engine.post(() -> {
          state = State.FAILED;
          run.failPlan("repository " + spec.url() + ": cannot create the integration branch baton/" + planId
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
        .setBranch("baton/" + run.planId).setBaseBranch(spec.baseBranch()).setCommit(head).setUrl(repo.url())));
    run.step();
  }

  /** Queues the attempt's merge; it succeeds (or fails on a conflict) once merged. */
  void merge(Attempt a, DelegationResult result) {
    a.merging = true;
    queue.addLast(new Pending(a, result));
    next();
  }

  private void next() {
    if (merging || queue.isEmpty() || run.finished()) {
      return;
    }
    Pending p = queue.pollFirst();
    merging = true;
    Attempt a = p.attempt();
    String commit = p.result().getGit().getCommit();
    String message = "Merge " + a.task.id() + " (attempt " + a.number + ") into baton/" + run.planId;
    Integrations.Repository repo = repository;
    git.execute(() -> {
      Integrations.Merge outcome;
      try {
        outcome = repo.merge(run.planId, a.task.id(), commit, spec.merge(), message);
      } catch (Exception e) {
        log.warn("plan {}: merging {} failed", run.planId, a.task.id(), e);
        outcome = new Integrations.Conflicted(java.util.List.of(), java.util.List.of("merge failed: " + e.getMessage()));
      }
      Integrations.Merge done = outcome;
      engine.post(() -> merged(p, done));
    });
  }

  private void merged(Pending p, Integrations.Merge outcome) {
    merging = false;
    Attempt a = p.attempt();
    a.merging = false;
    if (!run.finished() && run.inFlight.get(a.task.id()) == a) {
      if (outcome instanceof Integrations.Merged m) {
          run.append(e -> e.setTaskMerged(TaskMerged.newBuilder().setTaskId(a.task.id()).setAttempt(a.number)
              .setCommit(p.result().getGit().getCommit()).setMergeCommit(m.commit()).setStrategy(spec.merge().word())));
          DelegationResult result = p.result().toBuilder()
              .setGit(p.result().getGit().toBuilder().setMergeCommit(m.commit())).build();
          run.completeSuccess(a, result);
      } else if (outcome instanceof Integrations.Conflicted c) {
        run.attemptFailed(a, conflictMessage(a, c), p.result());
      }
    }
    next();
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
