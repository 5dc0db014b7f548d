package dev.baton.bench.suite;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Figure 9's workflow and activity for the Temporal side: a workflow that runs {@code tasks}
 * activities that do nothing, all at once or one after the other, as Baton runs a plan's tasks.
 *
 * <p>Public, with public members, because the SDK proxies the interfaces and instantiates the
 * workflow class by reflection.
 */
public final class TemporalNoOps {
  /** The one task queue the worker polls and every workflow is started on. */
  public static final String TASK_QUEUE = "baton-bench-noop";

  private TemporalNoOps() {}

  /** The task: returns at once. */
  @ActivityInterface
  public interface NoOp {
    @ActivityMethod
    void noOp();
  }

  /** The plan: {@code tasks} no-op activities; returns how many completed. */
  @WorkflowInterface
  public interface NoOpWorkflow {
    @WorkflowMethod
    int run(int tasks, boolean chain);
  }

  /**
   * Counts its executions, so the bench can check that every activity ran exactly once. Called on
   * the worker's activity threads, hence the atomic counter.
   */
  public static final class CountingNoOp implements NoOp {
    private final AtomicLong calls = new AtomicLong();

    @Override
    public void noOp() {
      calls.incrementAndGet();
    }

    public long calls() {
      return calls.get();
    }
  }

  /**
   * Runs on the SDK's deterministic workflow threads. No retries (at most one attempt), as Baton's
   * plans here ({@code max_retries: 0}); the timeout only bounds a lost activity.
   */
  public static final class NoOpWorkflowImpl implements NoOpWorkflow {
    private final NoOp task = Workflow.newActivityStub(NoOp.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());

    @Override
    public int run(int tasks, boolean chain) {
      if (chain) {
        for (int i = 0; i < tasks; i++) {
          task.noOp();
        }
        return tasks;
      }
      List<Promise<Void>> all = new ArrayList<>(tasks);
      for (int i = 0; i < tasks; i++) {
        all.add(Async.procedure(task::noOp));
      }
      Promise.allOf(all).get();
      return all.size();
    }
  }
}
