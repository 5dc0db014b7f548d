package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.cli.mesh.Mesh;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.v1.DroidEvent;
import dev.baton.v1.GetPlanRequest;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SharedDocument;
import dev.baton.v1.SharedState;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.SyncPointStatus;
import dev.baton.v1.SyncResult;
import dev.baton.v1.TaskAdded;
import dev.baton.v1.TaskMerged;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.Usage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * examples/todo-service.yaml on its real repository (examples/todo-service/) through five separate
 * processes, once with the scripted runner and once with {@code --runner claude} on the fake claude
 * CLI (both replay examples/todo-service/.baton/scenarios), plus a small plan whose {@code verify}
 * fails. Judged from the master's API (events, GetPlan) and from the served bare repository, read
 * with real git: merges, their parents and trailers, the final tree, the documents the sync points
 * compared, usage and the seeded README.md merge conflict with its remediation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TodoServiceEndToEndTest {
  private static final Duration PLAN_TIMEOUT = Duration.ofSeconds(60);
  private static final Set<String> TASKS = Set.of("done-api", "done-ui", "api-tests", "container", "release-config");
  private static final ObjectMapper JSON = new ObjectMapper();

  private MeshLauncher launcher;
  private MasterApi api;
  private Path gitDir;
  private final Map<String, Run> runs = new HashMap<>();
  private Run verifyRun;

  /** One finished plan: its events, final status and the bare repository the master served. */
  record Run(String planId, List<PlanEvent> events, PlanStatus status, Path bare) {
    TaskStatus task(String id) {
      return status.getTasksList().stream().filter(t -> t.getId().equals(id)).findFirst()
          .orElseThrow(() -> new AssertionError("no task " + id + " in " + status.getTasksList().stream()
              .map(TaskStatus::getId).toList()));
    }

    String git(String... args) {
      List<String> command = new ArrayList<>(List.of("git", "--git-dir", bare.toString()));
      command.addAll(List.of(args));
      ProcessRun r = ProcessRun.exec(command, Duration.ofSeconds(30));
      assertThat(r.exitCode()).as("%s\n%s", command, r).isZero();
      return r.stdout();
    }

    boolean isAncestor(String ancestor, String commit) {
      return ProcessRun.exec(List.of("git", "--git-dir", bare.toString(), "merge-base", "--is-ancestor", ancestor, commit),
          Duration.ofSeconds(30)).exitCode() == 0;
    }

    long seq(Predicate<PlanEvent> p, String what) {
      return events.stream().filter(p).mapToLong(PlanEvent::getSequence).findFirst()
          .orElseThrow(() -> new AssertionError("no event: " + what));
    }

    String branch() {
      return "baton/" + planId + "/integration";
    }
  }

  @BeforeAll
  void runThePlans() throws Exception {
    Path runDir = MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve("todo-service"));
    Path fakeClaude = TestPaths.repoRoot().resolve("runtime/src/test/resources/fake-agents/claude");
    assertThat(fakeClaude).isExecutable();
    launcher = new MeshLauncher(MeshLauncher.Options.in(runDir)
        .withOrchestratorArgs(List.of("--claude-bin", fakeClaude.toString())));
    gitDir = runDir.resolve("git");
    Mesh mesh = launcher.startMesh(0);
    api = new MasterApi(mesh.masterAddress());

    String yaml = Files.readString(TestPaths.example("todo-service.yaml"));
    String repo = TestPaths.example("todo-service").toString();
    Map<String, String> submitted = new LinkedHashMap<>();
    Map<String, MasterApi.Events> watches = new LinkedHashMap<>();
    for (String runner : List.of("scripted", "claude")) {
      String id = api.call().submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml).setTimeScale(0.001)
          .setRunner(runner).setRepositoryUrl(repo).build()).getPlanId();
      submitted.put(runner, id);
      watches.put(runner, api.watch(id));
    }
    Path verifyRepo = writeVerifyPlanRepository(runDir.resolve("verify-plan"));
    String verifyId = api.call().submitPlan(SubmitPlanRequest.newBuilder()
        .setPlanYaml(Files.readString(verifyRepo.resolveSibling("verify-gate.yaml"))).setTimeScale(0.001)
        .setRepositoryUrl(verifyRepo.toString()).build()).getPlanId();
    MasterApi.Events verifyWatch = api.watch(verifyId);

    for (var e : submitted.entrySet()) {
      runs.put(e.getKey(), finished(e.getValue(), watches.get(e.getKey()), "todo-service"));
    }
    verifyRun = finished(verifyId, verifyWatch, verifyRepo.getFileName().toString());
  }

  private Run finished(String planId, MasterApi.Events watch, String repoName) throws Exception {
    List<PlanEvent> events = watch.awaitEnd(PLAN_TIMEOUT.toSeconds());
    PlanStatus status = api.call().getPlan(GetPlanRequest.newBuilder().setPlanId(planId).build()).getStatus();
    return new Run(planId, events, status, gitDir.resolve("repos").resolve(repoName + ".git"));
  }

  /**
   * A tiny repository and a plan on it: task passes' verify passes, task fails' verify cannot (the
   * scripted runner's default scenario writes notes/<task>.md). fails runs after passes, so that
   * the plan's failure cannot cut passes short.
   */
  private static Path writeVerifyPlanRepository(Path dir) throws IOException {
    Path repo = dir.resolve("verify-repo");
    Files.createDirectories(repo);
    Files.writeString(repo.resolve("README.md"), "# verify-repo\n\nA tiny repository for the verify gate.\n");
    Files.writeString(dir.resolve("verify-gate.yaml"), """
        apiVersion: baton.dev/v1
        kind: Plan
        metadata:
          name: verify-gate
        spec:
          strategy: parallel
          runner: scripted
          repository: {url: verify-repo, baseBranch: main}
          retry: {maxRetries: 1, backoff: 1s}
          tasks:
            - id: passes
              description: Write the notes its verify looks for
              orchestrator: backend
              droid: backend-architect
              estimate: 5m
              verify: test -f notes/passes.md
            - id: fails
              description: Write notes, but its verify looks for a file nobody writes
              dependsOn: [passes]
              orchestrator: testing
              droid: test-automator
              estimate: 5m
              verify: test -f missing.txt
        """);
    return repo;
  }

  @AfterAll
  void stopTheMesh() {
    if (api != null) {
      api.close();
    }
    if (launcher != null) {
      try {
        launcher.close();
      } finally {
        launcher.killAll();
      }
    }
  }

  // ---- the todo-service plan, per runner ----

  @ParameterizedTest
  @ValueSource(strings = {"scripted", "claude"})
  void planSucceedsOnItsIntegrationBranch(String runner) {
    Run run = runs.get(runner);
    PlanStatus s = run.status();
    assertThat(s.getState()).as(s.getReason()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(run.events().get(run.events().size() - 1).getPlanFinished().getState())
        .isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(s.getIntegrationBranch()).isEqualTo("baton/" + run.planId() + "/integration");
    assertThat(s.getRepositoryUrl()).endsWith("todo-service.git");
    assertThat(s.getIntegrationCommit()).isNotBlank()
        .isEqualTo(run.git("rev-parse", run.branch()).strip());
    // The five tasks of the plan and exactly one merge remediation, all succeeded on this runner.
    assertThat(s.getTasksList()).hasSize(6).allSatisfy(t -> {
      assertThat(t.getState()).as(t.getId() + ": " + t.getLastError()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
      assertThat(t.getResult().getRunner()).as(t.getId()).isEqualTo(runner);
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"scripted", "claude"})
  void eachTaskIsMergedOnceInAnOrderTheDependenciesAllow(String runner) {
    Run run = runs.get(runner);
    String remediation = remediation(run);
    String conflicted = remediation.substring(0, remediation.length() - "-merge-1".length());

    // The integration branch's first-parent history, oldest first: the import, then merges only.
    List<String[]> log = run.git("log", "--first-parent", "--reverse", "--format=%H %P", run.branch()).lines()
        .map(l -> l.split(" ")).toList();
    assertThat(log.get(0)).as("the import").hasSize(1);
    List<String[]> merges = log.subList(1, log.size());
    assertThat(merges).as("one merge per task; the conflicted task is merged by its remediation's merge")
        .hasSize(5).allSatisfy(c -> assertThat(c).hasSize(3));
    List<String> mergeOrder = merges.stream().map(c -> c[0]).toList();
    Map<String, String> secondParent = merges.stream().collect(Collectors.toMap(c -> c[0], c -> c[2]));

    List<TaskMerged> merged = run.events().stream().filter(PlanEvent::hasTaskMerged).map(PlanEvent::getTaskMerged)
        .toList();
    assertThat(merged).extracting(TaskMerged::getTaskId)
        .containsExactlyInAnyOrder("done-api", "done-ui", "api-tests", "container", "release-config", remediation);
    Map<String, TaskMerged> mergedBy = merged.stream().collect(Collectors.toMap(TaskMerged::getTaskId, m -> m));

    for (TaskStatus t : run.status().getTasksList()) {
      String merge = t.getGit().getMergeCommit();
      assertThat(mergeOrder).as(t.getId() + "'s merge commit").contains(merge);
      assertThat(mergedBy.get(t.getId()).getMergeCommit()).isEqualTo(merge);
      assertThat(mergedBy.get(t.getId()).getCommit()).isEqualTo(t.getGit().getCommit());
      if (t.getId().equals(conflicted)) {
        // Merged through its remediation, whose commit has the task's commit merged in.
        assertThat(merge).isEqualTo(run.task(remediation).getGit().getMergeCommit());
        String remediationCommit = run.task(remediation).getGit().getCommit();
        assertThat(run.git("rev-parse", remediationCommit + "^2").strip()).isEqualTo(t.getGit().getCommit());
      } else {
        assertThat(secondParent.get(merge)).as(t.getId() + "'s merge's second parent").isEqualTo(t.getGit().getCommit());
      }
    }

    // api-tests and release-config start from the integration branch with done-api merged.
    String doneApiMerge = run.task("done-api").getGit().getMergeCommit();
    for (String dependent : List.of("api-tests", "release-config")) {
      assertThat(mergeOrder.indexOf(run.task(dependent).getGit().getMergeCommit()))
          .as(dependent + " merged after done-api").isGreaterThan(mergeOrder.indexOf(doneApiMerge));
      assertThat(run.isAncestor(doneApiMerge, run.task(dependent).getGit().getCommit()))
          .as(dependent + "'s commit builds on done-api's merge").isTrue();
    }
    long released = run.seq(e -> e.hasSyncPointReleased() && e.getSyncPointReleased().getName().equals("API Contract"),
        "API Contract released");
    long mergedApi = run.seq(e -> e.hasTaskMerged() && e.getTaskMerged().getTaskId().equals("done-api"), "done-api merged");
    long mergedUi = run.seq(e -> e.hasTaskMerged() && e.getTaskMerged().getTaskId().equals("done-ui"), "done-ui merged");
    long apiTestsReady = run.seq(e -> e.hasTaskReady() && e.getTaskReady().getTaskId().equals("api-tests"),
        "api-tests ready");
    assertThat(released).isGreaterThan(Math.max(mergedApi, mergedUi));
    assertThat(apiTestsReady).isGreaterThan(released);
  }

  @ParameterizedTest
  @ValueSource(strings = {"scripted", "claude"})
  void taskCommitsCarryBatonTrailers(String runner) {
    Run run = runs.get(runner);
    int checked = 0;
    for (TaskStatus t : run.status().getTasksList()) {
      Map<String, String> trailers = run.git("log", "-1", "--format=%(trailers)", t.getGit().getCommit()).lines()
          .filter(l -> l.contains(": "))
          .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(": ")), l -> l.substring(l.indexOf(": ") + 2),
              (a, b) -> a));
      assertThat(trailers).as(t.getId()).containsEntry("Baton-Plan", run.planId())
          .containsEntry("Baton-Task", t.getId())
          .containsEntry("Baton-Attempt", Integer.toString(t.getAttempt()))
          .containsEntry("Baton-Droid", t.getDroid());
      checked++;
    }
    assertThat(checked).isEqualTo(6);
  }

  @ParameterizedTest
  @ValueSource(strings = {"scripted", "claude"})
  void theFinalTreeHoldsEveryDroidsWork(String runner) throws IOException {
    Run run = runs.get(runner);
    String branch = run.branch();
    assertThat(run.git("show", branch + ":app/server.py")).contains("def do_PATCH(self):");
    assertThat(run.git("show", branch + ":web/app.js")).contains("box.type = \"checkbox\"");
    assertThat(run.git("show", branch + ":tests/test_done.py")).contains("class DoneTest(TodoApiTest)");
    assertThat(run.git("show", branch + ":Dockerfile")).contains("HEALTHCHECK");
    assertThat(run.git("show", branch + ":deploy/strategy.yaml")).contains("todo-api:1.1.0");
    assertThat(run.git("show", branch + ":deploy/todo-api.yaml")).contains("todo-api:1.1.0");

    // Every file a scenario wrote is in the tree as written; README.md as the remediation left it.
    String remediation = remediation(run);
    Map<String, String> expected = new HashMap<>();
    for (String task : TASKS) {
      expected.putAll(writes(task));
    }
    expected.putAll(writes(remediation));
    assertThat(expected).hasSizeGreaterThanOrEqualTo(8);
    expected.forEach((path, content) ->
        assertThat(run.git("show", branch + ":" + path)).as(path).isEqualTo(content));

    String readme = run.git("show", branch + ":README.md");
    assertThat(readme).contains("marked done (PATCH /todos/{id})", "marks them done with a checkbox")
        .doesNotContain("<<<<<<<", "=======", ">>>>>>>");
  }

  @ParameterizedTest
  @ValueSource(strings = {"scripted", "claude"})
  void theReadmeConflictIsDetectedRemediatedAndMerged(String runner) {
    Run run = runs.get(runner);
    List<TaskAdded> added = run.events().stream().filter(PlanEvent::hasTaskAdded).map(PlanEvent::getTaskAdded).toList();
    assertThat(added).hasSize(1);
    TaskAdded remediation = added.get(0);
    String id = remediation.getTask().getId();
    assertThat(id).isIn("done-api-merge-1", "done-ui-merge-1");
    assertThat(remediation.getConflictsList()).isNotEmpty().allSatisfy(c -> {
      assertThat(c.getCheck()).isEqualTo("merge");
      assertThat(c.getLocation() + " " + c.getDescription()).contains("README.md");
    });

    // The task that merged second is the one that conflicted: the other was already in.
    String conflicted = id.substring(0, id.length() - "-merge-1".length());
    String other = conflicted.equals("done-api") ? "done-ui" : "done-api";
    long otherMerged = run.seq(e -> e.hasTaskMerged() && e.getTaskMerged().getTaskId().equals(other), other + " merged");
    long addedAt = run.seq(e -> e.hasTaskAdded(), "task added");
    assertThat(otherMerged).isLessThan(addedAt);

    TaskStatus fixed = run.task(id);
    assertThat(fixed.getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    assertThat(fixed.getGit().getMergeCommit()).isNotBlank();
    assertThat(run.seq(e -> e.hasTaskMerged() && e.getTaskMerged().getTaskId().equals(id), id + " merged"))
        .isGreaterThan(addedAt);
    // The remediation's droid saw the conflict markers: its commit resolved them.
    assertThat(run.git("show", fixed.getGit().getCommit() + ":README.md")).doesNotContain("<<<<<<<");
  }

  @ParameterizedTest
  @ValueSource(strings = {"scripted", "claude"})
  void syncPointsCompareTheDocumentsInTheRepository(String runner) {
    Run run = runs.get(runner);
    Map<String, SyncPointStatus> points = run.status().getSyncPointsList().stream()
        .collect(Collectors.toMap(SyncPointStatus::getName, Function.identity()));
    assertThat(points).containsOnlyKeys("API Contract", "Release Readiness");
    assertDocuments(run, points.get("API Contract").getResult(), Map.of(
        "backend/api_implementation", new String[] {"done-api", "api/openapi.yaml"},
        "frontend/api_contract", new String[] {"done-ui", "web/api-usage.yaml"}));
    assertDocuments(run, points.get("Release Readiness").getResult(), Map.of(
        "backend/deployment_config", new String[] {"release-config", "deploy/todo-api.yaml"},
        "devops/deployment_strategy", new String[] {"container", "deploy/strategy.yaml"}));
  }

  private static void assertDocuments(Run run, SyncResult result, Map<String, String[]> expected) {
    assertThat(result.getConflictsList()).isEmpty();
    assertThat(result.getUnresolvedList()).isEmpty();
    Map<String, SharedDocument> docs = new HashMap<>();
    for (SharedState state : result.getSharedStateList()) {
      for (SharedDocument d : state.getDocumentsList()) {
        docs.put(state.getDomain() + "/" + d.getKind(), d);
      }
    }
    expected.forEach((key, taskAndPath) -> {
      assertThat(docs).as(result.getSyncPoint()).containsKey(key);
      String atCommit = run.git("show", run.task(taskAndPath[0]).getGit().getCommit() + ":" + taskAndPath[1]);
      assertThat(docs.get(key).getContent()).as(key).isEqualTo(atCommit);
      // A merge remediation of the task works on its files too and publishes what it left.
      String producer = docs.get(key).getProducedByTask();
      assertThat(producer).as(key).isIn(taskAndPath[0], taskAndPath[0] + "-merge-1");
      assertThat(docs.get(key).getContent()).as(key + " at " + producer)
          .isEqualTo(run.git("show", run.task(producer).getGit().getCommit() + ":" + taskAndPath[1]));
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"scripted", "claude"})
  void usageIsReportedPerTaskAndSummedForThePlan(String runner) {
    Run run = runs.get(runner);
    Usage sum = Usage.getDefaultInstance();
    for (TaskStatus t : run.status().getTasksList()) {
      Usage u = t.getResult().getUsage();
      assertThat(u.getInputTokens() + u.getOutputTokens()).as(t.getId()).isPositive();
      assertThat(u.getCostUsd()).as(t.getId()).isPositive();
      // The scripted runner's cost comes from the price table; claude reports its own.
      assertThat(u.getCostEstimated()).as(t.getId() + " cost estimated").isEqualTo(runner.equals("scripted"));
      if (t.getAttempt() == 1) {
        assertThat(t.getUsage()).as(t.getId() + ": one attempt, so its usage is the result's").isEqualTo(u);
      } else {
        assertThat(t.getUsage().getInputTokens()).as(t.getId() + ": summed over attempts")
            .isGreaterThan(u.getInputTokens());
      }
      assertThat(t.getResult().getPrompt()).as(t.getId()).contains("Task: " + t.getId());
      sum = dev.baton.runtime.droid.Usages.plus(sum, t.getUsage());
    }
    Usage plan = run.status().getUsage();
    assertThat(plan.getInputTokens()).isEqualTo(sum.getInputTokens());
    assertThat(plan.getOutputTokens()).isEqualTo(sum.getOutputTokens());
    assertThat(plan.getTurns()).isEqualTo(sum.getTurns()).isPositive();
    assertThat(plan.getCostUsd()).isCloseTo(sum.getCostUsd(), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(plan.getCostEstimated()).isEqualTo(sum.getCostEstimated());
  }

  @Test
  void claudeDroidEventsHaveToolCallsAndACompletionWithItsSession() {
    Run run = runs.get("claude");
    int checked = 0;
    for (TaskStatus t : run.status().getTasksList()) {
      List<DroidEvent> events = t.getRecentEventsList();
      assertThat(events).as(t.getId()).anyMatch(DroidEvent::hasToolCall);
      DroidEvent completion = events.stream().filter(DroidEvent::hasCompletion).reduce((a, b) -> b)
          .orElseThrow(() -> new AssertionError(t.getId() + ": no completion"));
      assertThat(completion.getCompletion().getIsError()).isFalse();
      assertThat(completion.getCompletion().getSessionId()).as(t.getId()).isNotBlank()
          .isEqualTo(t.getResult().getSessionId());
      assertThat(java.util.UUID.fromString(completion.getCompletion().getSessionId())).as("claude's session id")
          .isNotNull();
      checked++;
    }
    assertThat(checked).isEqualTo(6);
    // Tool calls name what the scenarios did: Write for the files, Bash for the tests.
    assertThat(run.task("done-api").getRecentEventsList()).filteredOn(DroidEvent::hasToolCall)
        .extracting(e -> e.getToolCall().getName()).contains("Write", "Bash");
  }

  // ---- verify decides success ----

  @Test
  void aFailingVerifyFailsItsTaskAndThePlanAndNothingOfItIsMerged() {
    PlanStatus s = verifyRun.status();
    assertThat(s.getState()).as(s.getReason()).isEqualTo(PlanState.PLAN_STATE_FAILED);

    TaskStatus passes = verifyRun.task("passes");
    assertThat(passes.getState()).as(passes.getLastError()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    assertThat(passes.getResult().getVerify().getCommand()).isEqualTo("test -f notes/passes.md");
    assertThat(passes.getResult().getVerify().getExitCode()).isZero();
    assertThat(passes.getGit().getMergeCommit()).isNotBlank();

    TaskStatus fails = verifyRun.task("fails");
    assertThat(fails.getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
    assertThat(fails.getAttempt()).as("retried once").isEqualTo(2);
    assertThat(fails.getLastError()).contains("test -f missing.txt");
    assertThat(fails.getResult().getVerify().getCommand()).isEqualTo("test -f missing.txt");
    assertThat(fails.getResult().getVerify().getExitCode()).isNotZero();
    List<PlanEvent> failures = verifyRun.events().stream()
        .filter(e -> e.hasTaskFailed() && e.getTaskFailed().getTaskId().equals("fails")).toList();
    assertThat(failures).extracting(e -> e.getTaskFailed().getWillRetry()).containsExactly(true, false);
    assertThat(failures).allSatisfy(e -> assertThat(e.getTaskFailed().getError()).contains("test -f missing.txt"));

    // Only passes was merged: no merge of fails, none of its files in the tree.
    assertThat(verifyRun.events()).filteredOn(PlanEvent::hasTaskMerged)
        .extracting(e -> e.getTaskMerged().getTaskId()).containsExactly("passes");
    String branch = verifyRun.branch();
    List<String> tree = List.of(verifyRun.git("ls-tree", "-r", "--name-only", branch).split("\n"));
    assertThat(tree).contains("README.md", "notes/passes.md").doesNotContain("notes/fails.md");
    assertThat(verifyRun.git("log", "--format=%s%n%b", branch)).contains("passes").doesNotContain("Baton-Task: fails");
  }

  // ---- helpers ----

  private static String remediation(Run run) {
    List<String> ids = run.status().getTasksList().stream().map(TaskStatus::getId)
        .filter(id -> !TASKS.contains(id)).toList();
    assertThat(ids).hasSize(1).first().isIn("done-api-merge-1", "done-ui-merge-1");
    return ids.get(0);
  }

  /** Path to content of every {@code write} step in the task's scenario. */
  private static Map<String, String> writes(String task) throws IOException {
    JsonNode steps = JSON.readTree(TestPaths.example("todo-service").resolve(".baton/scenarios/" + task + ".json")
        .toFile());
    Map<String, String> out = new HashMap<>();
    for (JsonNode step : steps) {
      if (step.has("write")) {
        out.put(step.path("write").path("path").asText(), step.path("write").path("content").asText());
      }
    }
    return out;
  }
}
