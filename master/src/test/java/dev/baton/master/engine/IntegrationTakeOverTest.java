package dev.baton.master.engine;

import static dev.baton.runtime.git.TestRepositories.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.master.MasterConfig;
import dev.baton.master.MasterServer;
import dev.baton.master.events.InMemoryPlanStore;
import dev.baton.master.events.PlanStore;
import dev.baton.master.plan.PlanCompiler;
import dev.baton.master.repo.GitHttpServer;
import dev.baton.master.testing.FakeSubOrchestrator;
import dev.baton.master.testing.GatedProxy;
import dev.baton.runtime.git.TestRepositories;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.GetDashboardRequest;
import dev.baton.v1.GitResult;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.OrchestratorStatus;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.TaskState;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Taking over a plan with a repository: an attempt re-attached on its instance may report its
 * success before the new master has opened the repository and found the integration branch (a
 * fetch over the network). Its merge must wait for the branch, not fail: found by the process-level
 * take-over test (cli's MasterTakeOverEndToEndTest), where the merge ran on a repository not yet
 * open, failed, and was "remediated" by an extra task.
 */
class IntegrationTakeOverTest {
  static final String PLAN = """
      apiVersion: baton.dev/v1
      kind: Plan
      metadata: {name: merge-takeover}
      spec:
        repository: {url: "%s", baseBranch: main}
        tasks:
          - {id: schema, description: Database schema, orchestrator: backend, estimate: 10m}
          - {id: api, description: API handlers, orchestrator: backend, estimate: 1m, dependsOn: [schema]}
      """;

  @TempDir Path tmp;
  private final PlanStore store = new InMemoryPlanStore(Clock.systemUTC());
  private final List<AutoCloseable> open = new ArrayList<>();
  private MasterServer first;
  /** The droid's way to the remote: straight, not through the proxy that holds the master's. */
  private String direct;
  private String viaProxy;

  @AfterEach
  void stop() throws Exception {
    if (first != null) {
      first.close();
    }
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private MasterServer master(int port, String gitDir) {
    return MasterServer.start(MasterConfig.builder().port(port).store(store).instanceWait(Duration.ofSeconds(10))
        .gitDir(tmp.resolve(gitDir)).gitPort(-1).build());
  }

  /** The droid's work: a commit on the task branch, pushed to the plan's remote. */
  private GitResult work(DelegationPackage pkg) {
    Path wt = tmp.resolve("work").resolve(pkg.getTaskId() + "-" + pkg.getAttempt());
    var repo = pkg.getRepository();
    git(tmp, "clone", "--quiet", repo.getUrl().replace(viaProxy, direct), wt.toString());
    git(wt, "checkout", "--quiet", "-B", "work", repo.getBaseCommit());
    TestRepositories.write(wt, pkg.getTaskId() + ".txt", pkg.getTaskId() + "\n");
    git(wt, "add", "--all");
    git(wt, "commit", "--quiet", "-m", pkg.getTaskId());
    git(wt, "push", "--quiet", "--force", "origin", "HEAD:refs/heads/" + repo.getTaskBranch());
    return GitResult.newBuilder().setTaskBranch(repo.getTaskBranch()).setCommit(git(wt, "rev-parse", "HEAD"))
        .setBaseCommit(repo.getBaseCommit()).setPushed(true).build();
  }

  @Test
  void aSuccessReattachedBeforeTheRepositoryIsOpenIsMergedOnceItIs() throws Exception {
    Path source = tmp.resolve("orders");
    TestRepositories.withFiles(source, 2);
    TestRepositories.bareClone(source, tmp.resolve("remotes").resolve("orders.git"));
    GitHttpServer remote = GitHttpServer.start(tmp.resolve("remotes"), "127.0.0.1", 0);
    open.add(remote);
    GatedProxy proxy = new GatedProxy(remote.port());
    open.add(proxy);
    String url = "http://127.0.0.1:" + proxy.port() + "/orders.git";
    viaProxy = "http://127.0.0.1:" + proxy.port() + "/";
    direct = remote.baseUrl().replaceFirst("/*$", "/");

    first = master(0, "git-first");
    int port = Integer.parseInt(first.address().substring(first.address().lastIndexOf(':') + 1));
    FakeSubOrchestrator backend = FakeSubOrchestrator.start("backend-1", "backend", 2, first.address()).gitWork(this::work);
    open.add(backend);
    // schema lasts 10 plan minutes at 0.002: 1.2 s.
    String planId = first.submit(PlanCompiler.compileYaml(PLAN.formatted(url)), 0.002);
    await().atMost(Duration.ofSeconds(20)).until(() -> state(planId, "schema") == TaskState.TASK_STATE_RUNNING);

    // The new master's own cache of the remote is fetched through the proxy, which holds it.
    proxy.hold();
    first.close();
    first = null;
    int delegatesBefore = backend.delegateCalls.get();
    MasterServer second = master(port, "git-second");
    open.add(second);
    backend.reconnect();
    ManagedChannel channel = NettyChannelBuilder.forTarget(second.address()).usePlaintext().build();
    open.add(channel::shutdownNow);
    // The attempt is re-attached (the same Delegate again), and its success taken in: the new
    // master holds no delegation on the instance any more, while the repository is still held.
    await().atMost(Duration.ofSeconds(20)).until(() -> backend.delegateCalls.get() > delegatesBefore);
    await().atMost(Duration.ofSeconds(20)).until(() -> "idle".equals(MasterGrpc.newBlockingStub(channel)
        .getDashboard(GetDashboardRequest.getDefaultInstance()).getDashboard().getOrchestratorStatusMap()
        .getOrDefault("backend-1", OrchestratorStatus.getDefaultInstance()).getStatus()));
    assertThat(store.read(planId, 0)).noneMatch(e -> e.hasTaskMerged() || e.hasTaskSucceeded() || e.hasTaskAdded());
    proxy.open();

    await().atMost(Duration.ofSeconds(30)).until(() -> store.status(planId).orElseThrow().getState()
        == PlanState.PLAN_STATE_SUCCEEDED);
    List<PlanEvent> events = store.read(planId, 0);
    assertThat(events).noneMatch(PlanEvent::hasTaskAdded);
    Map<String, Long> merged = events.stream().filter(PlanEvent::hasTaskMerged)
        .collect(Collectors.groupingBy(e -> e.getTaskMerged().getTaskId(), Collectors.counting()));
    assertThat(merged).containsExactlyInAnyOrderEntriesOf(Map.of("schema", 1L, "api", 1L));
    assertThat(backend.started()).containsExactly("schema#1", "api#1");
    String integration = "baton/" + planId + "/integration";
    assertThat(git(tmp.resolve("remotes").resolve("orders.git"), "log", "--first-parent", "--format=%s", integration)
        .lines().filter(l -> l.startsWith("Merge ")))
        .containsExactly("Merge api (attempt 1) into " + integration, "Merge schema (attempt 1) into " + integration);
  }

  private TaskState state(String planId, String taskId) {
    return store.task(planId, taskId).map(t -> t.getState()).orElse(TaskState.TASK_STATE_UNSPECIFIED);
  }
}
