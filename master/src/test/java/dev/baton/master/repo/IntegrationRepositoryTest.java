package dev.baton.master.repo;

import static dev.baton.runtime.git.TestRepositories.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.master.repo.IntegrationRepository.Strategy;
import dev.baton.runtime.git.Git;
import dev.baton.runtime.git.GitException;
import dev.baton.runtime.git.TestRepositories;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntegrationRepositoryTest {
  private static final String F0 = TestRepositories.fileName(0);
  private static final String F1 = TestRepositories.fileName(1);
  private static final String F2 = TestRepositories.fileName(2);

  @TempDir Path tmp;
  private Path remote;
  private Path work;
  private String base;
  private IntegrationRepository repo;

  @BeforeEach
  void setUp() {
    Path source = TestRepositories.withFiles(tmp.resolve("source"), 10);
    base = git(source, "rev-parse", "HEAD");
    remote = TestRepositories.bareClone(source, tmp.resolve("served/plan.git"));
    git(tmp, "clone", "--quiet", remote.toString(), "work");
    work = tmp.resolve("work");
    repo = IntegrationRepository.served(remote, new Git());
  }

  /** A task branch made from {@code from}: one commit per edit (path, line 3's new text), pushed. */
  private String task(String id, String from, String... edits) {
    git(work, "checkout", "--quiet", "-B", "t-" + id, from);
    for (int i = 0; i < edits.length; i += 2) {
      String path = edits[i];
      List<String> lines = new java.util.ArrayList<>(TestRepositories.read(work, path).lines().toList());
      lines.set(2, edits[i + 1]);
      TestRepositories.write(work, path, String.join("\n", lines) + "\n");
      git(work, "add", path);
      git(work, "-c", "user.name=Droid", "-c", "user.email=droid@example.com", "commit", "--quiet",
          "-m", id + ": edit " + path);
    }
    git(work, "push", "--quiet", "--force", "origin", "HEAD:refs/heads/baton/p/tasks/" + id);
    return git(work, "rev-parse", "HEAD");
  }

  private static Map<String, String> trailers(String task) {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("Baton-Plan", "p");
    t.put("Baton-Task", task);
    return t;
  }

  private String fileAt(String commit, String path) {
    return git(remote, "show", commit + ":" + path);
  }

  @Test
  void createsTheIntegrationBranchAtTheBaseHeadOnce() throws GitException {
    assertThat(repo.createIntegrationBranch("p", "main")).isEqualTo(base);
    assertThat(git(remote, "rev-parse", "refs/heads/baton/p/integration")).isEqualTo(base);

    String moved = task("x", base, F0, "moved main");
    git(remote, "update-ref", "refs/heads/main", moved);

    assertThat(repo.createIntegrationBranch("p", "main")).isEqualTo(base);
    assertThat(repo.head("baton/p/integration")).isEqualTo(base);
  }

  @Test
  void cleanMergesInOrderMakeMergeCommitsWithBothParents() throws GitException {
    repo.createIntegrationBranch("p", "main");
    String a = task("a", base, F0, "a was here");
    String b = task("b", base, F1, "b was here");

    MergeResult first = repo.merge("p", "a", a, Strategy.MERGE, "Merge task a", trailers("a"));
    MergeResult second = repo.merge("p", "b", b, Strategy.MERGE, "Merge task b", trailers("b"));

    assertThat(first).isInstanceOf(MergeResult.Merged.class);
    assertThat(second).isInstanceOf(MergeResult.Merged.class);
    String m1 = ((MergeResult.Merged) first).mergeCommit();
    String m2 = ((MergeResult.Merged) second).mergeCommit();
    assertThat(git(remote, "log", "-1", "--format=%P", m1)).isEqualTo(base + " " + a);
    assertThat(git(remote, "log", "-1", "--format=%P", m2)).isEqualTo(m1 + " " + b);
    assertThat(repo.head("baton/p/integration")).isEqualTo(m2);
    assertThat(fileAt(m2, F0)).contains("a was here");
    assertThat(fileAt(m2, F1)).contains("b was here");
    assertThat(git(remote, "log", "-1", "--format=%(trailers:key=Baton-Task,valueonly)", m2)).isEqualTo("b");
    assertThat(git(remote, "log", "-1", "--format=%an <%ae>", m2)).isEqualTo("Baton <baton@localhost>");
    assertThat(repo.log("baton/p/integration", 10))
        .extracting(IntegrationRepository.LogEntry::commit, IntegrationRepository.LogEntry::subject)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(m2, "Merge task b"),
            org.assertj.core.groups.Tuple.tuple(m1, "Merge task a"),
            org.assertj.core.groups.Tuple.tuple(base, "initial: 10 files"));
    // merging a task again changes nothing
    assertThat(repo.merge("p", "a", a, Strategy.MERGE, "again", Map.of()))
        .isEqualTo(new MergeResult.Merged(m2));
  }

  @Test
  void aConflictingPairIsConflictedWithTheFileAndHunkNamedAndMovesNothing() throws GitException {
    repo.createIntegrationBranch("p", "main");
    String a = task("a", base, F2, "a says left");
    String b = task("b", base, F2, "b says right", F1, "b alone");
    MergeResult.Merged merged = (MergeResult.Merged) repo.merge("p", "a", a, Strategy.MERGE, "a", Map.of());

    MergeResult result = repo.merge("p", "b", b, Strategy.MERGE, "b", Map.of());

    assertThat(result).isInstanceOfSatisfying(MergeResult.Conflicted.class, c -> {
      assertThat(c.files()).hasSize(1);
      MergeResult.ConflictFile file = c.files().get(0);
      assertThat(file.path()).isEqualTo(F2);
      assertThat(file.reasons()).anySatisfy(r -> assertThat(r).contains("CONFLICT (content)"));
      assertThat(file.hunks()).containsExactly(
          new MergeResult.Hunk(3, "a says left\n", "b says right\n", false));
      assertThat(file.hunksOmitted()).isZero();
    });
    assertThat(repo.head("baton/p/integration")).isEqualTo(merged.mergeCommit());
  }

  @Test
  void rebaseReplaysTheTasksCommitsIntoALinearHistoryKeepingAuthorAndMessage() throws GitException {
    repo.createIntegrationBranch("p", "main");
    String a = task("a", base, F0, "a one", F1, "a two");
    String b = task("b", base, F2, "b one");

    MergeResult first = repo.merge("p", "a", a, Strategy.REBASE, "ignored", Map.of());
    MergeResult second = repo.merge("p", "b", b, Strategy.REBASE, "ignored", Map.of());

    assertThat(first).isEqualTo(new MergeResult.Merged(a)); // already on top: kept as it is
    String head = ((MergeResult.Merged) second).mergeCommit();
    assertThat(head).isNotEqualTo(b);
    assertThat(git(remote, "rev-list", "--merges", "--count", base + ".." + head)).isEqualTo("0");
    assertThat(git(remote, "log", "--format=%s|%an <%ae>", base + ".." + head))
        .isEqualTo("b: edit " + F2 + "|Droid <droid@example.com>\n"
            + "a: edit " + F1 + "|Droid <droid@example.com>\n"
            + "a: edit " + F0 + "|Droid <droid@example.com>");
    assertThat(git(remote, "log", "-1", "--format=%P", head)).isEqualTo(a);
    assertThat(fileAt(head, F0)).contains("a one");
    assertThat(fileAt(head, F2)).contains("b one");
  }

  @Test
  void rebaseOfAConflictingTaskIsConflictedAndMovesNothing() throws GitException {
    repo.createIntegrationBranch("p", "main");
    String a = task("a", base, F2, "a says left");
    String b = task("b", base, F1, "b fine", F2, "b says right");
    repo.merge("p", "a", a, Strategy.REBASE, "", Map.of());

    MergeResult result = repo.merge("p", "b", b, Strategy.REBASE, "", Map.of());

    assertThat(result).isInstanceOfSatisfying(MergeResult.Conflicted.class, c ->
        assertThat(c.files()).extracting(MergeResult.ConflictFile::path).containsExactly(F2));
    assertThat(repo.head("baton/p/integration")).isEqualTo(a);
  }

  @Test
  void resetToMovesTheBranchBackAndKeepsTheAbandonedHead() throws GitException {
    repo.createIntegrationBranch("p", "main");
    String m1 = ((MergeResult.Merged) repo.merge("p", "a", task("a", base, F0, "a"), Strategy.MERGE,
        "a", Map.of())).mergeCommit();
    String m2 = ((MergeResult.Merged) repo.merge("p", "b", task("b", base, F1, "b"), Strategy.MERGE,
        "b", Map.of())).mergeCommit();

    IntegrationRepository.Reset reset = repo.resetTo("p", m1);

    assertThat(reset).isEqualTo(new IntegrationRepository.Reset(m2, "baton/p/rolled-back/1"));
    assertThat(repo.head("baton/p/integration")).isEqualTo(m1);
    assertThat(repo.head("baton/p/rolled-back/1")).isEqualTo(m2);
    assertThat(repo.resetTo("p", base).preservedBranch()).isEqualTo("baton/p/rolled-back/2");
    assertThatThrownBy(() -> repo.resetTo("p", m2)).hasMessageContaining("not an ancestor");
  }

  @Test
  void readsFilesAtACommit() throws GitException {
    assertThat(repo.readFile(base, F0)).hasValueSatisfying(t -> assertThat(t).startsWith("file 0 line 1\n"));
    assertThat(repo.readFile(base, "missing.txt")).isEmpty();
  }

  @Test
  void aCacheOfTheRemotePushesEveryChangeOfTheBranch() throws GitException {
    IntegrationRepository cached =
        IntegrationRepository.cacheOf(tmp.resolve("master-cache"), remote.toString(), new Git());
    assertThat(cached.directory()).isNotEqualTo(remote);
    assertThat(cached.createIntegrationBranch("p", "main")).isEqualTo(base);
    assertThat(git(remote, "rev-parse", "refs/heads/baton/p/integration")).isEqualTo(base);

    String a = task("a", base, F0, "a"); // pushed to the remote only: the cache must fetch it
    String merge = ((MergeResult.Merged) cached.merge("p", "a", a, Strategy.MERGE, "a", Map.of())).mergeCommit();

    assertThat(git(remote, "rev-parse", "refs/heads/baton/p/integration")).isEqualTo(merge);
    assertThat(cached.resetTo("p", base).preservedBranch()).isEqualTo("baton/p/rolled-back/1");
    assertThat(git(remote, "rev-parse", "refs/heads/baton/p/integration")).isEqualTo(base);
    assertThat(git(remote, "rev-parse", "refs/heads/baton/p/rolled-back/1")).isEqualTo(merge);

    // a master that restarts with an empty cache adopts the remote's integration branch
    IntegrationRepository fresh =
        IntegrationRepository.cacheOf(tmp.resolve("other-cache"), remote.toString(), new Git());
    git(remote, "update-ref", "refs/heads/baton/p/integration", a);
    assertThat(fresh.createIntegrationBranch("p", "main")).isEqualTo(a);
  }

  /**
   * Several masters lead a plan in turn, each through its own cache: a master leading the plan
   * again must continue from the remote's integration branch, which its successors moved, not
   * from the stale head its cache kept (whose push would be refused as not a fast-forward).
   */
  @Test
  void aCacheLeadingThePlanAgainContinuesFromTheRemotesBranch() throws GitException {
    IntegrationRepository first = IntegrationRepository.cacheOf(tmp.resolve("cache-a"), remote.toString(), new Git());
    assertThat(first.createIntegrationBranch("p", "main")).isEqualTo(base);
    String a = ((MergeResult.Merged) first.merge("p", "a", task("a", base, F0, "a"), Strategy.MERGE, "a", Map.of()))
        .mergeCommit();

    IntegrationRepository second = IntegrationRepository.cacheOf(tmp.resolve("cache-b"), remote.toString(), new Git());
    assertThat(second.createIntegrationBranch("p", "main")).isEqualTo(a);
    String b = ((MergeResult.Merged) second.merge("p", "b", task("b", base, F1, "b"), Strategy.MERGE, "b", Map.of()))
        .mergeCommit();

    assertThat(first.createIntegrationBranch("p", "main")).isEqualTo(b);
    MergeResult c = first.merge("p", "c", task("c", base, F2, "c"), Strategy.MERGE, "c", Map.of());
    assertThat(c).isInstanceOf(MergeResult.Merged.class);
    String head = git(remote, "rev-parse", "refs/heads/baton/p/integration");
    assertThat(head).isEqualTo(((MergeResult.Merged) c).mergeCommit());
    assertThat(git(remote, "rev-parse", head + "^1")).isEqualTo(b);
  }
}
