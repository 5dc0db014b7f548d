package dev.baton.runtime.execution;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.baton.runtime.droid.DroidOutcome;
import dev.baton.runtime.droid.DroidTask;
import dev.baton.runtime.droid.ProgressListener;
import dev.baton.runtime.droid.SimDroidExecutor;
import dev.baton.runtime.droid.VerifyCommand;
import dev.baton.runtime.git.GitException;
import dev.baton.runtime.prompt.PromptRenderer;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.SimulationSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskPipelineTest {
  @TempDir Path root;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final ExecutorService blocking = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
    blocking.shutdownNow();
  }

  private TaskPipeline.Settings settings() {
    return new TaskPipeline.Settings("backend-orchestrator-t", root,
        (plan, task, attempt, checkout) -> {
          throw new GitException("no git here");
        },
        PromptRenderer.builtIn(), new VerifyCommand(Duration.ofSeconds(30), Duration.ofMillis(200), scheduler),
        (worktree, droid) -> Optional.empty(), blocking, scheduler);
  }

  private static DelegationPackage.Builder sim(String task, long millis) {
    return DelegationPackage.newBuilder().setPlanId("p").setTaskId(task).setAttempt(1)
        .setSimulation(SimulationSpec.newBuilder().setDurationMillis(millis)
            .putDocuments("api/openapi.yaml", "openapi: 3.0.3"));
  }

  private DroidOutcome run(String runner, DelegationPackage d) throws Exception {
    TaskPipeline pipeline = new TaskPipeline(runner, new SimDroidExecutor(root, scheduler), settings());
    return pipeline.start(new DroidTask(d, "generalist"), (f, m) -> { }).outcome().get(30, TimeUnit.SECONDS);
  }

  @Test
  void verifyDecidesSuccessAndItsResultIsKept() throws Exception {
    DroidOutcome passed = run("sim", sim("good", 0).setVerify("test -f api/openapi.yaml && echo checked").build());
    assertThat(passed.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(passed.details().getVerify().getExitCode()).isZero();
    assertThat(passed.details().getVerify().getOutputTail()).contains("checked");

    DroidOutcome failed = run("sim", sim("bad", 0).setVerify("echo 2 tests failing; exit 3").build());
    assertThat(failed.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(failed.message()).contains("verify `echo 2 tests failing; exit 3` exited with 3", "2 tests failing");
    // The master names a failed task's error by its first error issue: it names the verify too.
    assertThat(failed.issues()).filteredOn(i -> i.getSeverity() == dev.baton.v1.IssueSeverity.ISSUE_SEVERITY_ERROR)
        .first().extracting(dev.baton.v1.ExecutionIssue::getMessage).asString()
        .contains("verify `echo 2 tests failing; exit 3` exited with 3");
  }

  @Test
  void aPromptedRunnerGetsTheRenderedPromptAndAWorkspaceAndTheResultKeepsThePrompt() throws Exception {
    java.util.concurrent.atomic.AtomicReference<DroidTask> seen = new java.util.concurrent.atomic.AtomicReference<>();
    TaskPipeline pipeline = new TaskPipeline("scripted", (task, progress) -> {
      seen.set(task);
      return new SimDroidExecutor(root, scheduler).start(task, progress);
    }, settings());
    DroidOutcome outcome = pipeline.start(new DroidTask(sim("todo-api", 0).setTaskDescription("Build it").build(),
        "generalist"), (f, m) -> { }).outcome().get(30, TimeUnit.SECONDS);
    assertThat(seen.get().prompt()).contains("Task: todo-api", "Build it");
    assertThat(seen.get().workspace()).isEqualTo(root.resolve("p/todo-api"));
    assertThat(outcome.details().getPrompt()).isEqualTo(seen.get().prompt());
  }

  @Test
  void theDeadlineStopsTheDroidAndFailsTheAttempt() throws Exception {
    Instant soon = Instant.now().plusMillis(200);
    DroidOutcome outcome = run("scripted", sim("slow", 60_000)
        .setDeadline(Timestamp.newBuilder().setSeconds(soon.getEpochSecond()).setNanos(soon.getNano())).build());
    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.message()).contains("deadline passed");
  }

  @Test
  void aTaskWithARepositoryFailsClearlyWhenTheWorktreeCannotBeMade() throws Exception {
    DroidOutcome outcome = run("sim", sim("t", 0).setRepository(
        dev.baton.v1.RepositoryCheckout.newBuilder().setUrl("file:///nowhere")).build());
    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.message()).contains("workspace: no git here", "base commit");
  }

  @Test
  void aPlainSimTaskGoesStraightToTheRunnerOnTheCallersThread() throws Exception {
    ProgressListener none = (f, m) -> { };
    Thread caller = Thread.currentThread();
    java.util.concurrent.atomic.AtomicReference<Thread> startedOn = new java.util.concurrent.atomic.AtomicReference<>();
    new TaskPipeline("sim", (task, progress) -> {
      startedOn.set(Thread.currentThread());
      return new SimDroidExecutor(root, scheduler).start(task, progress);
    }, settings()).start(new DroidTask(sim("fast", 0).build(), "g"), none).outcome().get(30, TimeUnit.SECONDS);
    assertThat(startedOn.get()).isSameAs(caller);
  }
}
