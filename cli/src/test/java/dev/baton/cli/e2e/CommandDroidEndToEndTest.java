package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.cli.mesh.Mesh;
import dev.baton.v1.CancelPlanRequest;
import dev.baton.v1.Deliverable;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.TaskSucceeded;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The command droid runs real shell commands in its workspace, and cancelling kills them. */
@ExtendWith(SharedMesh.class)
class CommandDroidEndToEndTest {
  private MasterApi api;
  private Mesh mesh;

  @BeforeEach
  void connect(Mesh mesh) {
    this.mesh = mesh;
    this.api = new MasterApi(mesh.masterAddress());
  }

  @AfterEach
  void close() {
    api.close();
  }

  @Test
  void helloPlanRunsItsCommandAndReportsTheFileItWrote() throws Exception {
    String yaml = Files.readString(TestPaths.example("hello.yaml"));
    String planId =
        api.call().submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml).setTimeScale(0.01).build()).getPlanId();
    List<PlanEvent> events = api.watch(planId).awaitEnd(60);

    assertThat(events.get(events.size() - 1).getPlanFinished().getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    TaskSucceeded helloFile =
        events.stream().filter(PlanEvent::hasTaskSucceeded).map(PlanEvent::getTaskSucceeded)
            .filter(t -> t.getTaskId().equals("hello-file")).findFirst().orElseThrow();
    assertThat(helloFile.getResult().getMetrics().getExitCode()).isZero();
    assertThat(helloFile.getResult().getDeliverablesList())
        .extracting(Deliverable::getName, Deliverable::getContent)
        .contains(org.assertj.core.groups.Tuple.tuple("hello.txt", "hello\n"));

    // The file really exists in the devops orchestrator's workspace of this plan.
    Path workspaces = mesh.orchestrator("devops").logFile().getParent().resolve("workspaces").resolve("devops");
    try (Stream<Path> files = Files.walk(workspaces)) {
      List<Path> written = files.filter(p -> p.getFileName().toString().equals("hello.txt"))
          .filter(p -> p.toString().contains(planId)).toList();
      assertThat(written).hasSize(1);
      assertThat(Files.readString(written.get(0), StandardCharsets.UTF_8)).isEqualTo("hello\n");
    }
  }

  @Test
  void cancellingAPlanKillsTheRunningCommand() throws Exception {
    String yaml = """
        apiVersion: baton.dev/v1
        kind: Plan
        metadata:
          name: cancel-me
        spec:
          strategy: parallel
          tasks:
            - id: long-sleep
              description: Sleep for five minutes
              orchestrator: devops
              estimate: 5m
              run: sleep 300
              timeout: 10m
        """;
    String planId = api.call().submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml).build()).getPlanId();
    MasterApi.Events events = api.watch(planId);
    await().atMost(Duration.ofSeconds(20)).until(() -> events.any(PlanEvent::hasTaskStarted));

    ProcessHandle devops = mesh.orchestrator("devops").handle();
    List<ProcessHandle> sleeps =
        await().atMost(Duration.ofSeconds(10)).until(() -> sleepsUnder(devops), found -> !found.isEmpty());

    api.call().cancelPlan(CancelPlanRequest.newBuilder().setPlanId(planId).setReason("test").build());

    List<PlanEvent> all = events.awaitEnd(30);
    assertThat(all.get(all.size() - 1).getPlanFinished().getState()).isEqualTo(PlanState.PLAN_STATE_CANCELLED);
    await().atMost(Duration.ofSeconds(10)).until(() -> sleeps.stream().noneMatch(ProcessHandle::isAlive));
    assertThat(sleepsUnder(devops)).isEmpty();
  }

  /** Issue 11: a double-forked `(setsid sleep 305 &)` survived the cancel with parent 1. */
  @Test
  void cancellingAPlanKillsWhatItsCommandDoubleForked() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        dev.baton.runtime.containment.Containments.pidNamespace().isPresent()
            || dev.baton.runtime.containment.Containments.cgroup().isPresent(),
        "no PID namespace or cgroup here: double-forked processes escape by design (docs/security.md)");
    String daemon = "305." + System.nanoTime() % 1_000_000_000L;
    String main = "306." + System.nanoTime() % 1_000_000_000L;
    String yaml = """
        apiVersion: baton.dev/v1
        kind: Plan
        metadata:
          name: escape-me
        spec:
          strategy: parallel
          tasks:
            - id: detach
              description: Start a daemon and wait
              orchestrator: devops
              estimate: 5m
              run: (setsid sleep %s &); sleep %s
              timeout: 10m
        """.formatted(daemon, main);
    String planId = api.call().submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml).build()).getPlanId();
    MasterApi.Events events = api.watch(planId);
    await().atMost(Duration.ofSeconds(20)).until(() ->
        !withArgument(daemon).isEmpty() && !withArgument(main).isEmpty());

    api.call().cancelPlan(CancelPlanRequest.newBuilder().setPlanId(planId).setReason("test").build());

    List<PlanEvent> all = events.awaitEnd(30);
    assertThat(all.get(all.size() - 1).getPlanFinished().getState()).isEqualTo(PlanState.PLAN_STATE_CANCELLED);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(withArgument(daemon)).as("the double-forked daemon").isEmpty();
      assertThat(withArgument(main)).as("the command").isEmpty();
    });
  }

  /** Live processes with {@code marker} as one argument, from /proc. */
  private static List<Long> withArgument(String marker) throws java.io.IOException {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(p -> {
            try {
              return List.of(new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                  .split("\0")).contains(marker);
            } catch (java.io.IOException gone) {
              return false;
            }
          })
          .map(p -> Long.parseLong(p.getFileName().toString())).toList();
    }
  }

  private static List<ProcessHandle> sleepsUnder(ProcessHandle parent) {
    return parent.descendants()
        .filter(h -> h.info().commandLine().map(c -> c.contains("sleep 300")).orElse(false)
            || h.info().arguments().map(a -> List.of(a).contains("300")).orElse(false))
        .toList();
  }
}
