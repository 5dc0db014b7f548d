package dev.baton.runtime.git;

import static dev.baton.runtime.git.TestRepositories.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.v1.FileStat;
import dev.baton.v1.GitResult;
import dev.baton.v1.RepositoryCheckout;
import dev.baton.v1.RepositorySetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskWorkspacesTest {
  @TempDir Path tmp;
  private Path source;
  private Path remote;
  private String first;
  private String second;
  private final TestRepositories.MutableClock clock =
      new TestRepositories.MutableClock(Instant.parse("2026-12-04T06:00:00Z"));
  private TaskWorkspaces workspaces;
  private ExecutorService pool;

  @BeforeEach
  void setUp() {
    source = TestRepositories.withFiles(tmp.resolve("source"), 20);
    first = git(source, "rev-parse", "HEAD");
    TestRepositories.write(source, "README.md", "second commit\n");
    second = TestRepositories.commitAll(source, "second");
    remote = TestRepositories.bareClone(source, tmp.resolve("remote.git"));
    workspaces = new TaskWorkspaces(TaskWorkspaces.Settings.defaults(tmp.resolve("baton"))
        .withRetention(Duration.ofHours(1)), clock);
  }

  @AfterEach
  void tearDown() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  private RepositoryCheckout checkout(String base) {
    return RepositoryCheckout.newBuilder().setUrl(remote.toString()).setBaseCommit(base).build();
  }

  @Test
  void preparesTheWorktreeAtTheBaseCommitOnTheTaskBranch() throws GitException {
    PreparedWorkspace ws = workspaces.prepare("plan-1", "api", 1, checkout(first));

    assertThat(ws.path()).isEqualTo(tmp.resolve("baton/worktrees/plan-1/api").toAbsolutePath());
    assertThat(ws.baseCommit()).isEqualTo(first);
    assertThat(git(ws.path(), "rev-parse", "HEAD")).isEqualTo(first);
    assertThat(git(ws.path(), "symbolic-ref", "HEAD")).isEqualTo("refs/heads/baton/plan-1/tasks/api");
    assertThat(TestRepositories.read(ws.path(), TestRepositories.fileName(7))).contains("file 7 line 1");
    assertThat(ws.path().resolve("README.md")).doesNotExist(); // added by the second commit only
    assertThat(git(ws.path(), "status", "--porcelain")).isEmpty();
    // the worktree comes from the cache, outside both the remote and the cache
    assertThat(git(ws.path(), "rev-parse", "--git-common-dir"))
        .isEqualTo(workspaces.cache().pathFor(remote.toString()).toString());
  }

  @Test
  void fetchesACommitTheCacheDoesNotHaveYet() throws Exception {
    workspaces.prepare("p", "one", 1, checkout(first)).release(true);
    TestRepositories.write(source, "late.txt", "late\n");
    String late = TestRepositories.commitAll(source, "late");
    git(source, "push", "--quiet", remote.toString(), "main");

    PreparedWorkspace ws = workspaces.prepare("p", "two", 1, checkout(late));

    assertThat(TestRepositories.read(ws.path(), "late.txt")).isEqualTo("late\n");
    assertThat(Files.list(workspaces.cache().root()).count()).isEqualTo(1);
  }

  @Test
  void eightParallelPreparesOnOneCacheDoNotRace() throws Exception {
    pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<PreparedWorkspace>> futures = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String task = "task-" + i;
      futures.add(pool.submit(() -> {
        go.await();
        return workspaces.prepare("par", task, 1, checkout(second));
      }));
    }
    go.countDown();
    for (int i = 0; i < 8; i++) {
      PreparedWorkspace ws = futures.get(i).get(2, TimeUnit.MINUTES);
      assertThat(git(ws.path(), "rev-parse", "HEAD")).isEqualTo(second);
      assertThat(git(ws.path(), "symbolic-ref", "--short", "HEAD")).isEqualTo("baton/par/tasks/task-" + i);
      assertThat(git(ws.path(), "status", "--porcelain")).isEmpty();
    }
    String list = git(workspaces.cache().pathFor(remote.toString()), "worktree", "list", "--porcelain");
    assertThat(list.lines().filter(l -> l.startsWith("worktree ")).count()).isEqualTo(9); // bare + 8
  }

  @Test
  void setupCopiesTheListedFilesAndRunsTheCommand() throws Exception {
    Path files = tmp.resolve("repo-files");
    TestRepositories.write(files, ".env", "SECRET=1\n");
    TestRepositories.write(files, "config/local.yml", "debug: true\n");
    workspaces = new TaskWorkspaces(workspaces.settings().withFilesDirectory(files), clock);
    RepositoryCheckout withSetup = checkout(second).toBuilder()
        .setSetup(RepositorySetup.newBuilder().addCopyFiles(".env").addCopyFiles("config/local.yml")
            .setCommand("cat .env > setup-saw.txt && echo \"$BATON_TASK_ID\" >> setup-saw.txt"))
        .build();

    PreparedWorkspace ws = workspaces.prepare("p", "web", 1, withSetup);

    assertThat(TestRepositories.read(ws.path(), "config/local.yml")).isEqualTo("debug: true\n");
    assertThat(TestRepositories.read(ws.path(), "setup-saw.txt")).isEqualTo("SECRET=1\nweb\n");
    assertThat(ws.path().resolve(".baton/setup-attempt-1.log")).exists();
    // the copied secrets and Baton's log stay out of the task's commit; the command's output does not
    GitResult result = ws.publish("web", Map.of());
    assertThat(result.getFilesList()).extracting(FileStat::getPath).containsExactly("setup-saw.txt");
  }

  @Test
  void setupRefusesACopyThatLeavesTheDirectoriesAndNamesAFailedCommand() {
    Path files = tmp.resolve("repo-files");
    TestRepositories.write(files, "ok.txt", "ok\n");
    workspaces = new TaskWorkspaces(workspaces.settings().withFilesDirectory(files), clock);

    assertThatThrownBy(() -> workspaces.prepare("p", "a", 1, checkout(second).toBuilder()
        .setSetup(RepositorySetup.newBuilder().addCopyFiles("../source/README.md")).build()))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("'../source/README.md' leaves the workspace root");
    assertThatThrownBy(() -> workspaces.prepare("p", "b", 1, checkout(second).toBuilder()
        .setSetup(RepositorySetup.newBuilder().setCommand("echo broken; exit 3")).build()))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("`echo broken; exit 3` exited with code 3: broken");
  }

  @Test
  void aSetupCommandPastItsTimeoutIsKilledWithWhatItDetached() {
    dev.baton.runtime.containment.ProcessContainment contained = dev.baton.runtime.containment.Containments.detect();
    org.junit.jupiter.api.Assumptions.assumeTrue(!contained.name().equals("process-tree"), "no PID namespace or cgroup here");
    workspaces = new TaskWorkspaces(workspaces.settings().withSetupTimeout(Duration.ofMillis(1_500)), clock, contained);
    String daemon = dev.baton.runtime.containment.Procs.sleepMarker(305);
    String main = dev.baton.runtime.containment.Procs.sleepMarker(306);

    assertThatThrownBy(() -> workspaces.prepare("p", "slow", 1, checkout(second).toBuilder()
        .setSetup(RepositorySetup.newBuilder().setCommand("(setsid sleep " + daemon + " &); sleep " + main)).build()))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("did not finish within 1s and was killed");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(dev.baton.runtime.containment.Procs.withArgument(daemon)).as("the daemon").isEmpty();
      assertThat(dev.baton.runtime.containment.Procs.withArgument(main)).as("the command").isEmpty();
    });
  }

  @Test
  void publishCommitsLeftoversWithTheTrailersPushesAndCountsTheLines() throws GitException {
    PreparedWorkspace ws = workspaces.prepare("plan-9", "backend", 2, checkout(second));
    // the droid's own commit, then changes it left uncommitted
    TestRepositories.write(ws.path(), "own.txt", "a\nb\n");
    git(ws.path(), "add", "own.txt");
    git(ws.path(), "commit", "--quiet", "-m", "droid's own commit");
    TestRepositories.write(ws.path(), TestRepositories.fileName(0), "file 0 line 1\nchanged\n");
    TestRepositories.write(ws.path(), "new/api.yaml", "openapi: 3.0.0\n");
    git(ws.path(), "rm", "--quiet", TestRepositories.fileName(1));
    Map<String, String> trailers = new LinkedHashMap<>();
    trailers.put("Baton-Plan", "plan-9");
    trailers.put("Baton-Task", "backend");
    trailers.put("Baton-Attempt", "2");
    trailers.put("Baton-Droid", "claude");
    trailers.put("Baton-Session", "sess-1");

    GitResult result = ws.publish("backend: build the API", trailers);

    assertThat(result.getTaskBranch()).isEqualTo("baton/plan-9/tasks/backend");
    assertThat(result.getBaseCommit()).isEqualTo(second);
    assertThat(result.getPushed()).isTrue();
    assertThat(git(remote, "rev-parse", "refs/heads/baton/plan-9/tasks/backend")).isEqualTo(result.getCommit());
    assertThat(git(remote, "rev-list", "--count", second + ".." + result.getCommit())).isEqualTo("2");
    assertThat(git(remote, "log", "-1", "--format=%s", result.getCommit())).isEqualTo("backend: build the API");
    assertThat(git(remote, "log", "-1", "--format=%(trailers:only,unfold)", result.getCommit()))
        .isEqualTo("Baton-Plan: plan-9\nBaton-Task: backend\nBaton-Attempt: 2\nBaton-Droid: claude\n"
            + "Baton-Session: sess-1");
    assertThat(git(remote, "log", "-1", "--format=%an <%ae>", result.getCommit())).isEqualTo("Baton <baton@localhost>");
    assertThat(result.getFilesList())
        .extracting(FileStat::getPath, FileStat::getInsertions, FileStat::getDeletions)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("new/api.yaml", 1, 0),
            org.assertj.core.groups.Tuple.tuple("own.txt", 2, 0),
            org.assertj.core.groups.Tuple.tuple(TestRepositories.fileName(0), 1, 4),
            org.assertj.core.groups.Tuple.tuple(TestRepositories.fileName(1), 0, 5));
    assertThat(result.getInsertions()).isEqualTo(4);
    assertThat(result.getDeletions()).isEqualTo(9);
  }

  @Test
  void publishOfACleanWorktreeMakesNoCommitAndARetryRewritesTheBranch() throws GitException {
    PreparedWorkspace firstTry = workspaces.prepare("p", "t", 1, checkout(second));
    TestRepositories.write(firstTry.path(), "try1.txt", "1\n");
    GitResult one = firstTry.publish("try 1", Map.of());
    firstTry.release(false);

    PreparedWorkspace retry = workspaces.prepare("p", "t", 2, checkout(second));
    GitResult two = retry.publish("try 2", Map.of());

    assertThat(two.getCommit()).isEqualTo(second);
    assertThat(two.getFilesList()).isEmpty();
    assertThat(git(remote, "rev-parse", "refs/heads/baton/p/tasks/t")).isEqualTo(second);
    // the kept first attempt moved aside and was detached, not rewritten
    Path aside = firstTry.path().resolveSibling("t-a1");
    assertThat(git(aside, "rev-parse", "HEAD")).isEqualTo(one.getCommit());
    assertThat(git(aside, "rev-parse", "--abbrev-ref", "HEAD")).isEqualTo("HEAD");
  }

  @Test
  void readsFilesFromTheWorktreeThenFromThePublishedHead() throws GitException {
    PreparedWorkspace ws = workspaces.prepare("p", "docs", 1, checkout(second));
    TestRepositories.write(ws.path(), "api.yaml", "v: 1\n");
    assertThat(ws.readFile("api.yaml")).contains("v: 1\n");
    assertThat(ws.readFile("missing.yaml")).isEmpty();

    ws.publish("docs", Map.of());
    TestRepositories.write(ws.path(), "api.yaml", "v: 2 (after publish)\n");

    assertThat(ws.readFile("api.yaml")).contains("v: 1\n");
    assertThat(ws.readFile("README.md")).contains("second commit\n");
    assertThat(ws.readFile("missing.yaml")).isEmpty();
    assertThatThrownBy(() -> ws.readFile("../../etc/passwd")).hasMessageContaining("leaves the workspace root");
  }

  @Test
  void releaseRemovesASucceededWorktreeAndKeepsAFailedOrDirtyOne() throws GitException {
    PreparedWorkspace ok = workspaces.prepare("p", "ok", 1, checkout(second));
    ok.publish("ok", Map.of());
    PreparedWorkspace failed = workspaces.prepare("p", "failed", 1, checkout(second));
    PreparedWorkspace dirty = workspaces.prepare("p", "dirty", 1, checkout(second));
    dirty.publish("dirty", Map.of());
    TestRepositories.write(dirty.path(), "after-publish.txt", "nobody committed me\n");

    ok.release(true);
    failed.release(false);
    dirty.release(true);

    Path cache = workspaces.cache().pathFor(remote.toString());
    assertThat(ok.path()).doesNotExist();
    assertThat(git(cache, "branch", "--list", "baton/p/tasks/ok")).isEmpty();
    assertThat(git(remote, "rev-parse", "refs/heads/baton/p/tasks/ok")).isEqualTo(second);
    assertThat(failed.path()).isDirectory();
    assertThat(dirty.path()).isDirectory();
    TaskWorkspaces.DiskUsage usage = workspaces.diskUsage();
    assertThat(usage.keptCount()).isEqualTo(2);
    assertThat(usage.keptBytes()).isGreaterThan(0);
    assertThat(usage.activeCount()).isZero();
  }

  @Test
  void sweepRemovesKeptWorktreesAfterTheRetentionButNotDirtyOnesUnlessForced() throws GitException {
    PreparedWorkspace failed = workspaces.prepare("p", "failed", 1, checkout(second));
    failed.release(false);
    PreparedWorkspace dirty = workspaces.prepare("p", "dirty", 1, checkout(second));
    TestRepositories.write(dirty.path(), "left.txt", "left\n");
    dirty.release(false);

    clock.advance(Duration.ofMinutes(59));
    assertThat(workspaces.sweep().removed()).isZero();
    assertThat(failed.path()).isDirectory();

    clock.advance(Duration.ofMinutes(1));
    TaskWorkspaces.SweepReport report = workspaces.sweep();
    assertThat(report.removed()).isEqualTo(1);
    assertThat(report.skippedDirty()).isEqualTo(1);
    assertThat(report.freedBytes()).isGreaterThan(0);
    assertThat(failed.path()).doesNotExist();
    assertThat(dirty.path()).isDirectory();

    assertThat(workspaces.sweep(true).removed()).isEqualTo(1);
    assertThat(dirty.path()).doesNotExist();
    assertThat(workspaces.diskUsage().keptCount()).isZero();
    String list = git(workspaces.cache().pathFor(remote.toString()), "worktree", "list", "--porcelain");
    assertThat(list.lines().filter(l -> l.startsWith("worktree ")).count()).isEqualTo(1);
  }

  @Test
  void sweepRemovesTheOldestKeptWorktreesWhenOverTheDiskBound() throws GitException {
    List<PreparedWorkspace> kept = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      PreparedWorkspace ws = workspaces.prepare("p", "t" + i, 1, checkout(second));
      ws.release(false);
      kept.add(ws);
      clock.advance(Duration.ofSeconds(1));
    }
    long one = workspaces.diskUsage().keptBytes() / 3;
    workspaces = new TaskWorkspaces(workspaces.settings().withMaxKeptBytes(one + one / 2), clock);

    TaskWorkspaces.SweepReport report = workspaces.sweep();

    assertThat(report.removed()).isEqualTo(2);
    assertThat(kept.get(0).path()).doesNotExist();
    assertThat(kept.get(1).path()).doesNotExist();
    assertThat(kept.get(2).path()).isDirectory();
    assertThat(report.keptBytesAfter()).isLessThanOrEqualTo(one + one / 2);
  }

  @Test
  void setupChecksOutSubmodulesAndASucceededWorktreeWithThemIsStillRemoved() throws GitException {
    Path lib = TestRepositories.withFiles(tmp.resolve("lib"), 2);
    git(source, "-c", "protocol.file.allow=always", "submodule", "add", "--quiet", lib.toString(), "vendor/lib");
    String withSubmodule = TestRepositories.commitAll(source, "add submodule");
    git(source, "push", "--quiet", remote.toString(), "main");
    RepositoryCheckout checkout = checkout(withSubmodule).toBuilder()
        .setSetup(RepositorySetup.newBuilder().setSubmodules(true)).build();

    PreparedWorkspace ws = workspaces.prepare("p", "sub", 1, checkout);

    assertThat(TestRepositories.read(ws.path(), "vendor/lib/" + TestRepositories.fileName(1)))
        .contains("file 1 line 1");
    ws.publish("sub", Map.of());
    ws.release(true);
    assertThat(ws.path()).doesNotExist();
  }

  @Test
  void aCommitTheRemoteDoesNotHaveIsNamedInTheFailure() {
    String missing = "0123456789abcdef0123456789abcdef01234567";
    assertThatThrownBy(() -> workspaces.prepare("p", "t", 1, checkout(missing)))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("commit " + missing + " is not at " + remote);
  }

  @Test
  void refusesIdsThatAreNotOnePathSegment() {
    assertThatThrownBy(() -> workspaces.prepare("../x", "t", 1, checkout(second)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plan id: '../x'");
  }

  @Test
  void aRetryRunsWhereTheFirstAttemptRanAndTheKeptAttemptMovesAside() throws GitException {
    PreparedWorkspace first = workspaces.prepare("p", "api", 1, checkout(first()));
    TestRepositories.write(first.path(), "notes.txt", "half done\n");
    first.release(false); // failed and dirty: kept for inspection

    PreparedWorkspace retry = workspaces.prepare("p", "api", 2, checkout(first()));

    assertThat(retry.path()).isEqualTo(first.path()); // the agent's session belongs to this directory
    assertThat(retry.path().resolve("notes.txt")).doesNotExist();
    Path aside = first.path().resolveSibling("api-a1");
    assertThat(TestRepositories.read(aside, "notes.txt")).isEqualTo("half done\n");
    assertThat(workspaces.diskUsage().keptCount()).isEqualTo(1);
    retry.release(true);
    assertThat(retry.path()).doesNotExist();
    assertThat(aside).exists();
  }

  private String first() {
    return first;
  }
}
