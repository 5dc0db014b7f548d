package dev.baton.runtime.execution;

import dev.baton.runtime.droid.DroidExecutor;
import dev.baton.runtime.droid.DroidOutcome;
import dev.baton.runtime.droid.DroidTask;
import dev.baton.runtime.droid.ProgressListener;
import dev.baton.runtime.droid.RunningDroid;
import dev.baton.v1.DelegationStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A droid executor the test finishes by hand; records starts and the peak of concurrent runs. */
final class ManualDroids implements DroidExecutor {
  final Map<String, Run> runs = new ConcurrentHashMap<>();
  final List<String> started = new CopyOnWriteArrayList<>();
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger peak = new AtomicInteger();

  final class Run implements RunningDroid {
    final CompletableFuture<DroidOutcome> outcome = new CompletableFuture<>();
    final ProgressListener progress;
    volatile String cancelledWith;

    Run(ProgressListener progress) {
      this.progress = progress;
    }

    @Override
    public CompletableFuture<DroidOutcome> outcome() {
      return outcome;
    }

    @Override
    public void cancel(String reason) {
      cancelledWith = reason;
      end(DroidOutcome.cancelled(reason));
    }

    void succeed() {
      end(new DroidOutcome(DelegationStatus.DELEGATION_STATUS_SUCCEEDED, "done", List.of(), List.of(),
          0, 4, false, "done"));
    }

    void fail(String message) {
      end(DroidOutcome.failed(message));
    }

    // The count drops before the outcome completes, so the manager cannot start a queued task first.
    private synchronized void end(DroidOutcome result) {
      if (!outcome.isDone()) {
        running.decrementAndGet();
        outcome.complete(result);
      }
    }
  }

  @Override
  public RunningDroid start(DroidTask task, ProgressListener progress) {
    Run run = new Run(progress);
    String taskId = task.delegation().getTaskId();
    runs.put(taskId, run);
    started.add(taskId);
    peak.accumulateAndGet(running.incrementAndGet(), Math::max);
    return run;
  }

  Run run(String taskId) {
    return runs.get(taskId);
  }
}
