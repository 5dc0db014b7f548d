package dev.baton.master.engine;

import static dev.baton.runtime.git.TestRepositories.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.master.testing.FakeSubOrchestrator;
import dev.baton.runtime.git.TestRepositories;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.GetPlanRequest;
import dev.baton.v1.GitResult;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SubmitPlanRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master's integration branch on a real repository it imports and serves: a task succeeds only
 * once merged, a dependent starts from a base that holds its dependency's work, and a branch that
 * does not merge is remediated by a task of its domain whose worktree merges it in.
 */
class IntegrationBranchTest {
  static final String PLAN = """
      apiVersion: baton.dev/v1
      kind: Plan
      metadata: {name: gitflow}
      spec:
        strategy: parallel
        retry: {maxRetries: 0, backoff: 1s}
        tasks:
          - {id: api, description: API handler, orchestrator: backend, estimate: 1m}
          - {id: page, description: The page, orchestrator: frontend, estimate: 4m}
          - {id: docs, description: API docs, orchestrator: backend, estimate: 1m, dependsOn: [api]}
      """;

  @TempDir Path tmp;
  private MasterServer master;
  private ManagedChannel channel;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void start() {
    master = MasterServer.start(MasterConfig.builder().instanceWait(Duration.ofSeconds(5))
        .gitDir(tmp.resolve("master-git")).importLocalRepos(true).build());
    channel = NettyChannelBuilder.forTarget(master.address()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    channel.shutdownNow();
    master.close();
  }

  /** What a droid does in each task, as real git work on a clone of the served repository. */
  private GitResult work(DelegationPackage pkg) {
    Path wt = tmp.resolve("work").resolve(pkg.getTaskId() + "-" + pkg.getAttempt());
    var repo = pkg.getRepository();
    git(tmp, "clone", "--quiet", repo.getUrl(), wt.toString());
    git(wt, "checkout", "--quiet", "-B", "work", repo.getBaseCommit());
    switch (pkg.getTaskId()) {
      case "api" -> {
        TestRepositories.write(wt, "README.md", "Status: the API serves todos\n");
        TestRepositories.write(wt, "api.txt", "GET /todos\n");
      }
      case "page" -> {
        TestRepositories.write(wt, "README.md", "Status: the page lists todos\n");
        TestRepositories.write(wt, "page.html", "<ul></ul>\n");
      }
      case "docs" -> TestRepositories.write(wt, "docs.md", "Documents " + TestRepositories.read(wt, "api.txt"));
      default -> {
        // a merge remediation: the conflicting commit merged in, the markers resolved
        for (String commit : repo.getMergeCommitsList()) {
          git(wt, "fetch", "--quiet", "origin", commit);
          // exits 1 on the conflict, which is the point: the markers stay for the "droid"
          try {
            TestRepositories.GIT.tryRun(wt, "merge", "--no-commit", "--no-ff", "--quiet", commit);
          } catch (dev.baton.runtime.git.GitException e) {
            throw new AssertionError(e);
          }
        }
        assertThat(TestRepositories.read(wt, "README.md")).contains("<<<<<<<");
        TestRepositories.write(wt, "README.md", "Status: the API serves todos and the page lists them\n");
      }
    }
    git(wt, "add", "--all");
    git(wt, "commit", "--quiet", "-m", pkg.getTaskId());
    git(wt, "push", "--quiet", "--force", "origin", "HEAD:refs/heads/" + repo.getTaskBranch());
    return GitResult.newBuilder().setTaskBranch(repo.getTaskBranch()).setCommit(git(wt, "rev-parse", "HEAD"))
        .setBaseCommit(repo.getBaseCommit()).setPushed(true).build();
  }

  private FakeSubOrchestrator fake(String id, String domain, Function<DelegationPackage, GitResult> work) {
    FakeSubOrchestrator f = FakeSubOrchestrator.start(id, domain, 2, master.address()).gitWork(work);
    closeables.add(f);
    return f;
  }

  @Test
  void tasksMergeInOrderAndAConflictingBranchIsRemediatedThenMerged() {
    Path source = tmp.resolve("todo");
    TestRepositories.withFiles(source, 2);
    TestRepositories.write(source, "README.md", "Status: empty\n");
    TestRepositories.commitAll(source, "status line");
    FakeSubOrchestrator backend = fake("backend-1", "backend", this::work);
    FakeSubOrchestrator frontend = fake("frontend-1", "frontend", this::work);
    var stub = MasterGrpc.newBlockingStub(channel);
    String planId = stub.submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(PLAN).setTimeScale(0.001)
        .setRepositoryUrl(source.toString()).build()).getPlanId();

    await().atMost(Duration.ofSeconds(60)).until(() -> finished(stub, planId));
    PlanStatus st = stub.getPlan(GetPlanRequest.newBuilder().setPlanId(planId).build()).getStatus();
    assertThat(st.getState()).as(st.getReason()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);

    List<PlanEvent> events = master.store().read(planId, 0);
    // every task is merged before it succeeds
    // page takes four times api's time, so it merges second and conflicts (the order is asserted)
    for (String task : List.of("api", "page", "docs", "page-merge-1")) {
      assertThat(index(events, e -> e.hasTaskMerged() && e.getTaskMerged().getTaskId().equals(task)))
          .as(task + " merged before it succeeded")
          .isLessThan(index(events, e -> e.hasTaskSucceeded() && e.getTaskSucceeded().getTaskId().equals(task)))
          .isNotNegative();
    }
    // the conflict is a 'merge' conflict naming the file, remediated on the task's own domain
    PlanEvent added = events.stream().filter(PlanEvent::hasTaskAdded).findFirst().orElseThrow();
    assertThat(added.getTaskAdded().getTask().getId()).isEqualTo("page-merge-1");
    assertThat(added.getTaskAdded().getTask().getOrchestrator()).isEqualTo("frontend");
    assertThat(added.getTaskAdded().getConflicts(0).getCheck()).isEqualTo("merge");
    assertThat(added.getTaskAdded().getConflicts(0).getLocation()).isEqualTo("README.md");
    assertThat(added.getTaskAdded().getConflicts(0).getDescription())
        .contains("README.md:1", "the API serves todos", "the page lists todos");
    DelegationPackage pageCommit = frontend.packages.get(0);
    DelegationPackage fix = frontend.packages.stream().filter(p -> p.getTaskId().equals("page-merge-1")).findFirst()
        .orElseThrow();
    String pageWork = taskStatus(st, "page").getGit().getCommit();
    assertThat(pageCommit.getTaskId()).isEqualTo("page");
    assertThat(fix.getRepository().getMergeCommitsList()).containsExactly(pageWork);
    assertThat(fix.getRemediation().getFilesList()).containsExactly("README.md");

    // docs started from a base that holds api's merged work
    DelegationPackage docs = backend.packages.stream().filter(p -> p.getTaskId().equals("docs")).findFirst().orElseThrow();
    Path served = Path.of(tmp.resolve("master-git").toString(), "repos", "todo.git");
    assertThat(git(served, "show", docs.getRepository().getBaseCommit() + ":api.txt")).isEqualTo("GET /todos");

    // the integration branch: the repository's history, then one merge per merged branch
    String branch = st.getIntegrationBranch();
    assertThat(branch).isEqualTo("baton/" + planId + "/integration");
    assertThat(git(served, "rev-parse", branch)).isEqualTo(st.getIntegrationCommit());
    List<String> subjects = List.of(git(served, "log", "--first-parent", "--format=%s", branch).split("\n"));
    assertThat(subjects).hasSize(5).endsWith("status line", "initial: 2 files");
    List<String> merges = subjects.subList(0, 3).stream().map(x -> x.split(" ")[1]).toList(); // newest first
    assertThat(merges).containsExactlyInAnyOrder("api", "docs", "page-merge-1");
    assertThat(merges.indexOf("docs")).as("docs merged after api").isLessThan(merges.indexOf("api"));
    assertThat(git(served, "show", branch + ":README.md")).isEqualTo("Status: the API serves todos and the page lists them");
    assertThat(git(served, "show", branch + ":page.html")).isEqualTo("<ul></ul>");
    assertThat(git(served, "show", branch + ":docs.md")).isEqualTo("Documents GET /todos");
    assertThat(taskStatus(st, "page").getGit().getMergeCommit()).isEqualTo(taskStatus(st, "page-merge-1").getGit().getMergeCommit());
  }

  private static boolean finished(MasterGrpc.MasterBlockingStub stub, String planId) {
    PlanState s = stub.getPlan(GetPlanRequest.newBuilder().setPlanId(planId).build()).getStatus().getState();
    return s != PlanState.PLAN_STATE_RUNNING && s != PlanState.PLAN_STATE_ACCEPTED;
  }

  private static int index(List<PlanEvent> events, java.util.function.Predicate<PlanEvent> p) {
    for (int i = 0; i < events.size(); i++) {
      if (p.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static dev.baton.v1.TaskStatus taskStatus(PlanStatus st, String id) {
    return st.getTasksList().stream().filter(t -> t.getId().equals(id)).findFirst().orElseThrow();
  }
}
