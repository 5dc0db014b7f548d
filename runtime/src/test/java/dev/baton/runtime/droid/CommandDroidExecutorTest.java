package dev.baton.runtime.droid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.runtime.containment.Containments;
import dev.baton.runtime.containment.ProcessContainment;
import dev.baton.v1.CommandSpec;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DelegationStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command droid under the plain process-tree kill; {@link ContainedCommandDroidExecutorTest} reruns it contained. */
class CommandDroidExecutorTest {
  @TempDir Path root;
  final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  final List<String> messages = new CopyOnWriteArrayList<>();
  CommandDroidExecutor executor;

  /** What the executor under test runs its commands in. */
  ProcessContainment containment() {
    return Containments.processTree();
  }

  @BeforeEach
  void createExecutor() {
    executor = new CommandDroidExecutor(root, Duration.ofSeconds(30), Duration.ofMillis(500), 1024, scheduler,
        containment());
  }

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  RunningDroid start(String run, long timeoutMillis, String... deliverables) {
    DelegationPackage delegation = DelegationPackage.newBuilder()
        .setPlanId("shop").setTaskId("task-" + System.nanoTime()).setAttempt(1)
        .addAllExpectedDeliverables(List.of(deliverables))
        .setCommand(CommandSpec.newBuilder().setRun(run).setTimeoutMillis(timeoutMillis))
        .build();
    return executor.start(new DroidTask(delegation, "devops-specialist"), (f, m) -> messages.add(m));
  }

  static DroidOutcome outcome(RunningDroid run) throws Exception {
    return run.outcome().get(10, TimeUnit.SECONDS);
  }

  @Test
  void succeedsWithOutputAndTheDeliverableFilesItWrote() throws Exception {
    DroidOutcome outcome = outcome(start(
        "echo building; mkdir -p dist && printf 'hello' > dist/app.txt; echo oops >&2",
        0, "dist/app.txt", "dist/missing.txt"));

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.outputTail()).isEqualTo("building\noops\n");
    assertThat(outcome.outputTruncated()).isFalse();
    assertThat(outcome.deliverables()).singleElement().satisfies(d -> {
      assertThat(d.getName()).isEqualTo("dist/app.txt");
      assertThat(d.getContent()).isEqualTo("hello");
      assertThat(d.getSizeBytes()).isEqualTo(5);
    });
    assertThat(outcome.issues()).singleElement()
        .satisfies(i -> assertThat(i.getMessage()).contains("'dist/missing.txt' not found"));
  }

  @Test
  void failsOnNonZeroExitNamingTheCode() throws Exception {
    DroidOutcome outcome = outcome(start("echo 'lint: 3 errors'; exit 3", 0));

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.exitCode()).isEqualTo(3);
    assertThat(outcome.message()).isEqualTo("command exited with code 3: lint: 3 errors");
    assertThat(outcome.deliverables()).isEmpty();
  }

  @Test
  void failsOnTimeoutAndKillsTheCommand() throws Exception {
    long started = System.nanoTime();
    DroidOutcome outcome = outcome(start("echo started; sleep 300", 300));

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.message()).startsWith("command timed out after 300ms");
    // The shell may add its own "Terminated" line when its child is killed before it is: a race.
    assertThat(outcome.outputTail()).startsWith("started\n");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void cancelKillsTheWholeProcessTree() throws Exception {
    RunningDroid run = start("sh -c 'sleep 300 & sleep 300'", 0);
    String started = messages.get(0);
    long pid = Long.parseLong(started.substring(started.lastIndexOf(' ') + 1));
    ProcessHandle shell = ProcessHandle.of(pid).orElseThrow();
    // Both sleeps (and the inner shell, unless /bin/sh exec'd it) must be running before we cancel.
    await().atMost(Duration.ofSeconds(5)).until(() ->
        shell.descendants().filter(p -> p.info().command().orElse("").endsWith("sleep")).count() == 2);
    List<ProcessHandle> tree = shell.descendants().toList();

    run.cancel("plan cancelled");

    DroidOutcome outcome = outcome(run);
    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_CANCELLED);
    assertThat(outcome.message()).contains("plan cancelled");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(tree).noneMatch(ProcessHandle::isAlive));
    assertThat(shell.isAlive()).isFalse();
  }

  @Test
  void keepsOnlyTheTailOfLargeOutput() throws Exception {
    DroidOutcome outcome = outcome(start("i=0; while [ $i -lt 500 ]; do echo line-$i; i=$((i+1)); done", 0));

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(outcome.outputTruncated()).isTrue();
    assertThat(outcome.outputBytes()).isGreaterThan(1024);
    assertThat(outcome.outputTail()).hasSizeLessThanOrEqualTo(1024).endsWith("line-499\n").doesNotContain("line-0\n");
  }

  @Test
  void refusesAWorkspaceOutsideTheRoot() throws Exception {
    DelegationPackage delegation = DelegationPackage.newBuilder()
        .setPlanId("shop").setTaskId("t").setAttempt(1)
        .setCommand(CommandSpec.newBuilder().setRun("true").setWorkspace("../../etc")).build();

    DroidOutcome outcome = outcome(executor.start(new DroidTask(delegation, "d"), (f, m) -> {}));

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.message()).contains("leaves the workspace root");
  }
}
