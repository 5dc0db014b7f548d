package dev.baton.runtime.execution;

import static dev.baton.runtime.git.TestRepositories.git;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.runtime.droid.DroidOutcome;
import dev.baton.runtime.droid.DroidTask;
import dev.baton.runtime.droid.SimDroidExecutor;
import dev.baton.runtime.droid.VerifyCommand;
import dev.baton.runtime.droid.definition.DroidDefinitions;
import dev.baton.runtime.droid.definition.DroidSources;
import dev.baton.runtime.git.TaskWorkspaces;
import dev.baton.runtime.git.TestRepositories;
import dev.baton.runtime.prompt.PromptRenderer;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.RepositoryCheckout;
import dev.baton.v1.SimulationSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline on a real repository: worktree at the base commit, the repository's droid, commit with trailers, push. */
class TaskPipelineGitTest {
  @TempDir Path tmp;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final ExecutorService blocking = Executors.newCachedThreadPool();
  private Path remote;
  private String base;
  private TaskPipeline.Settings settings;

  @BeforeEach
  void setUp() {
    Path source = TestRepositories.withFiles(tmp.resolve("source"), 3);
    TestRepositories.write(source, ".claude/agents/api-reviewer.md", """
        ---
        name: api-reviewer
        description: Reviews API documents
        tools: Read, Grep
        ---
        You review API documents and fix what does not match the implementation.
        """);
    base = TestRepositories.commitAll(source, "base with a repository droid");
    remote = TestRepositories.bareClone(source, tmp.resolve("remote.git"));
    TaskWorkspaces workspaces = new TaskWorkspaces(TaskWorkspaces.Settings.defaults(tmp.resolve("baton")),
        new TestRepositories.MutableClock(Instant.parse("2026-12-04T06:00:00Z")));
    DroidSources droids = DroidSources.of(DroidDefinitions.empty(), null);
    settings = new TaskPipeline.Settings("backend-orchestrator-t", tmp.resolve("plain"), workspaces,
        PromptRenderer.builtIn(), new VerifyCommand(Duration.ofSeconds(30), Duration.ofMillis(200), scheduler),
        (worktree, droid) -> droids.forRepository(worktree).find(droid), blocking, scheduler);
  }

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
    blocking.shutdownNow();
  }

  private DelegationPackage.Builder task(String droid) {
    return DelegationPackage.newBuilder().setPlanId("todo-1").setTaskId("api-doc").setAttempt(1).setDroid(droid)
        .setTaskDescription("Write the API document")
        .addExpectedDeliverables("api/openapi.yaml")
        .putPublishes("api_implementation", "api/openapi.yaml")
        .setSimulation(SimulationSpec.newBuilder().putDocuments("api/openapi.yaml", "openapi: 3.0.3\n"))
        .setRepository(RepositoryCheckout.newBuilder().setUrl(remote.toString()).setBaseCommit(base)
            .setTaskBranch("baton/todo-1/tasks/api-doc").setIntegrationBranch("baton/todo-1/integration"));
  }

  @Test
  void theWorkIsCommittedWithTrailersAndPushedAndTheRepositoryDefinesTheDroid() throws Exception {
    AtomicReference<DroidTask> seen = new AtomicReference<>();
    TaskPipeline pipeline = new TaskPipeline("scripted", (t, progress) -> {
      seen.set(t);
      return new SimDroidExecutor(tmp, scheduler).start(t, progress);
    }, settings);

    DroidOutcome outcome = pipeline.start(new DroidTask(task("api-reviewer").build(), "api-reviewer"), (f, m) -> { })
        .outcome().get(60, TimeUnit.SECONDS);

    assertThat(outcome.status()).as(outcome.message()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(seen.get().definition().source()).endsWith(".claude/agents/api-reviewer.md");
    assertThat(seen.get().definition().systemPrompt()).contains("You review API documents");
    String commit = outcome.details().getGit().getCommit();
    assertThat(git(remote, "rev-parse", commit + "~1")).isEqualTo(base);
    assertThat(git(remote, "rev-parse", "baton/todo-1/tasks/api-doc")).isEqualTo(commit);
    assertThat(git(remote, "log", "-1", "--format=%(trailers:key=Baton-Task,valueonly)%(trailers:key=Baton-Droid,valueonly)", commit))
        .contains("api-doc", "api-reviewer");
    assertThat(git(remote, "show", commit + ":api/openapi.yaml")).isEqualTo("openapi: 3.0.3");
    assertThat(outcome.details().getGit().getFilesList()).extracting(f -> f.getPath()).containsExactly("api/openapi.yaml");
    assertThat(outcome.deliverables()).extracting(d -> d.getName()).contains("api/openapi.yaml");
    assertThat(outcome.details().getPrompt()).contains("Task: api-doc", "on branch baton/todo-1/tasks/api-doc");
    // the droid's logs under .baton/ never reach the commit
    assertThat(git(remote, "ls-tree", "-r", "--name-only", commit)).doesNotContain(".baton/");
    // a succeeded attempt's worktree is removed
    assertThat(Files.exists(seen.get().workspace())).isFalse();
  }

  @Test
  void aDroidNamedByTheTaskThatNobodyDefinesFailsTheTaskNamingIt() throws Exception {
    TaskPipeline pipeline = new TaskPipeline("scripted", new SimDroidExecutor(tmp, scheduler), settings);
    DroidOutcome outcome = pipeline.start(new DroidTask(task("ghost").build(), "ghost"), (f, m) -> { })
        .outcome().get(60, TimeUnit.SECONDS);
    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_FAILED);
    assertThat(outcome.message()).contains("droid 'ghost' is defined neither by backend-orchestrator-t",
        ".factory/droids or .claude/agents");
  }
}
