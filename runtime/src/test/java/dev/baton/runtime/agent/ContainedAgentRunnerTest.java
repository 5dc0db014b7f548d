package dev.baton.runtime.agent;

import static dev.baton.runtime.agent.FakeAgents.definition;
import static dev.baton.runtime.agent.FakeAgents.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.runtime.containment.Containments;
import dev.baton.runtime.containment.ProcessContainment;
import dev.baton.runtime.containment.Procs;
import dev.baton.runtime.droid.DroidOutcome;
import dev.baton.runtime.droid.RunningDroid;
import dev.baton.v1.Budget;
import dev.baton.v1.DelegationStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent CLIs (the fakes) in the containment this machine supports: a CLI that forks a daemon
 * leaves nothing when cancelled or when it exits, and its events still arrive in order and at once.
 */
class ContainedAgentRunnerTest {
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private ProcessContainment containment;
  @TempDir Path root;
  Path workspace;

  @BeforeEach
  void setUp() throws Exception {
    workspace = Files.createDirectories(root.resolve("ws"));
    containment = Containments.detect();
    Assumptions.assumeTrue(!containment.name().equals("process-tree"),
        "no PID namespace or cgroup here: " + containment.description());
  }

  @AfterEach
  void stop() {
    containment.killAll();
    scheduler.shutdownNow();
  }

  @Test
  void cancellingAnAgentThatForkedADaemonLeavesNoProcess() throws Exception {
    String daemon = Procs.sleepMarker(305);
    FakeAgents.scenario(root, "t-1", """
        {"mode": "hang", "spawn_child": true, "detach": "(setsid sleep %s &)",
         "steps": [{"message": "Working"}]}
        """.formatted(daemon));
    ClaudeRunner runner = new ClaudeRunner(FakeAgents.settings("claude", root).build(), scheduler, containment);
    FakeAgents.Recorder recorder = new FakeAgents.Recorder();
    RunningDroid run = runner.start(task("t-1", workspace,
        definition("claude", "", "", Budget.getDefaultInstance()), Budget.getDefaultInstance(), ""), recorder);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        FakeAgents.log(root).stream().anyMatch(r -> r.has("child_pid")) && !Procs.withArgument(daemon).isEmpty());

    run.cancel("plan cancelled");

    DroidOutcome outcome = run.outcome().get(20, TimeUnit.SECONDS);
    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_CANCELLED);
    assertThat(recorder.kinds()).contains("MESSAGE");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(Procs.withArgument(daemon)).as("the daemon").isEmpty();
      assertThat(Procs.withArgument(FakeAgents.binary("claude").toString())).as("the CLI").isEmpty();
    });
  }

  @Test
  void anAgentStoppedAtItsWallTimeLeavesNoProcess() throws Exception {
    String daemon = Procs.sleepMarker(305);
    FakeAgents.scenario(root, "t-3", """
        {"mode": "hang", "detach": "(setsid sleep %s &)", "steps": [{"message": "Working"}]}
        """.formatted(daemon));
    FactoryDroidRunner runner = new FactoryDroidRunner(FakeAgents.settings("droid", root).build(), scheduler,
        containment);

    RunningDroid run = runner.start(task("t-3", workspace, definition("droid", "", "",
            Budget.newBuilder().setWallMillis(3_000).build()), Budget.getDefaultInstance(), ""),
        new FakeAgents.Recorder());
    await().atMost(Duration.ofSeconds(10)).until(() -> !Procs.withArgument(daemon).isEmpty());

    DroidOutcome outcome = run.outcome().get(20, TimeUnit.SECONDS);

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.budgetExceeded()).isEqualTo("wall");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(Procs.withArgument(daemon)).as("the daemon").isEmpty());
  }

  @Test
  void anAgentThatExitsLeavingADaemonOnItsStdoutEndsAtOnceWithItsEvents() throws Exception {
    String daemon = Procs.sleepMarker(305);
    FakeAgents.scenario(root, "t-2", """
        {"mode": "ok", "result": "done", "detach": "(setsid sleep %s &)",
         "steps": [{"message": "Working"}, {"write": {"path": "a.txt", "content": "a"}}]}
        """.formatted(daemon));
    // Without a container the daemon holds stdout open and the run waits out this drain grace.
    CodexRunner runner = new CodexRunner(FakeAgents.settings("codex", root).drainGrace(Duration.ofSeconds(60))
        .build(), scheduler, containment);
    FakeAgents.Recorder recorder = new FakeAgents.Recorder();
    long started = System.nanoTime();

    DroidOutcome outcome = runner.start(task("t-2", workspace,
        definition("codex", "", "", Budget.getDefaultInstance()), Budget.getDefaultInstance(), ""), recorder)
        .outcome().get(20, TimeUnit.SECONDS);

    assertThat(outcome.status()).as(outcome.message()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(outcome.exitCode()).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    assertThat(recorder.kinds()).contains("MESSAGE", "FILE_CHANGE", "COMPLETION");
    assertThat(Files.readString(workspace.resolve("a.txt"))).isEqualTo("a");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(Procs.withArgument(daemon)).as("the daemon").isEmpty());
  }
}
