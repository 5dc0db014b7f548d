package dev.baton.runtime.git;

import static dev.baton.runtime.git.TestRepositories.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.v1.GitResult;
import dev.baton.v1.RepositoryCheckout;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A merge remediation's worktree: the conflicting commit merged in, markers left for the droid, a merge commit out. */
class MergeRemediationWorktreeTest {
  @TempDir Path tmp;
  private Path remote;
  private String integration;
  private String task;
  private TaskWorkspaces workspaces;

  @BeforeEach
  void setUp() {
    Path source = TestRepositories.withFiles(tmp.resolve("source"), 3);
    TestRepositories.write(source, "README.md", "Status: readable\n");
    String base = TestRepositories.commitAll(source, "base");
    TestRepositories.write(source, "README.md", "Status: the API marks todos done\n");
    integration = TestRepositories.commitAll(source, "api");
    git(source, "checkout", "-q", "-b", "ui", base);
    TestRepositories.write(source, "README.md", "Status: the page marks todos done\n");
    TestRepositories.write(source, "web.js", "checkbox\n");
    task = TestRepositories.commitAll(source, "ui");
    remote = TestRepositories.bareClone(source, tmp.resolve("remote.git"));
    git(remote, "branch", "-f", "ui", task);
    workspaces = new TaskWorkspaces(TaskWorkspaces.Settings.defaults(tmp.resolve("baton")),
        new TestRepositories.MutableClock(Instant.parse("2026-12-04T06:00:00Z")));
  }

  private RepositoryCheckout checkout() {
    return RepositoryCheckout.newBuilder().setUrl(remote.toString()).setBaseCommit(integration)
        .addMergeCommits(task).build();
  }

  @Test
  void theTasksCommitIsMergedInWithItsConflictsLeftAndTheResolutionIsAMergeCommit() throws Exception {
    PreparedWorkspace ws = workspaces.prepare("p", "ui-merge-1", 1, checkout());
    assertThat(TestRepositories.read(ws.path(), "README.md"))
        .contains("<<<<<<< ", "the API marks todos done", "the page marks todos done", ">>>>>>> ");
    assertThat(TestRepositories.read(ws.path(), "web.js")).isEqualTo("checkbox\n");

    TestRepositories.write(ws.path(), "README.md", "Status: the API and the page mark todos done\n");
    GitResult result = ws.publish("ui-merge-1: resolve", Map.of("Baton-Task", "ui-merge-1"));

    assertThat(git(ws.path(), "rev-list", "--parents", "-n", "1", result.getCommit()))
        .isEqualTo(result.getCommit() + " " + integration + " " + task);
    assertThat(git(remote, "show", result.getCommit() + ":README.md")).isEqualTo("Status: the API and the page mark todos done");
  }

  @Test
  void leftoverConflictMarkersAreNeverCommitted() throws Exception {
    PreparedWorkspace ws = workspaces.prepare("p", "ui-merge-1", 1, checkout());
    assertThatThrownBy(() -> ws.publish("ui-merge-1: resolve", Map.of()))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("conflict markers left in README.md");
  }
}
