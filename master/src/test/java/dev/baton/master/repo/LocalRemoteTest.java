package dev.baton.master.repo;

import static dev.baton.runtime.git.TestRepositories.git;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.runtime.git.Git;
import dev.baton.runtime.git.GitException;
import dev.baton.runtime.git.TestRepositories;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRemoteTest {
  @TempDir Path tmp;

  @Test
  void importsAPlainDirectoryAsOneCommitOnMainWithoutTouchingIt() throws GitException {
    Path plain = tmp.resolve("my app");
    TestRepositories.write(plain, "index.html", "<h1>hi</h1>\n");
    TestRepositories.write(plain, "src/app.js", "console.log(1)\n");
    TestRepositories.write(plain, ".gitignore", ".env\n");
    TestRepositories.write(plain, ".env", "SECRET=1\n");

    Path bare = LocalRemote.create(plain, tmp.resolve("run"), new Git());

    assertThat(bare).isEqualTo(tmp.resolve("run/repos/my_app.git"));
    assertThat(git(bare, "rev-parse", "--is-bare-repository")).isEqualTo("true");
    assertThat(git(bare, "symbolic-ref", "HEAD")).isEqualTo("refs/heads/main");
    assertThat(git(bare, "rev-list", "--count", "main")).isEqualTo("1");
    assertThat(git(bare, "ls-tree", "-r", "--name-only", "main"))
        .isEqualTo(".gitignore\nindex.html\nsrc/app.js");
    assertThat(git(bare, "show", "main:src/app.js")).isEqualTo("console.log(1)");
    assertThat(plain.resolve(".git")).doesNotExist();
  }

  @Test
  void clonesAGitRepositoryBareWithItsBranches() throws GitException {
    Path repo = TestRepositories.withFiles(tmp.resolve("proj"), 3);
    git(repo, "branch", "feature");
    String head = git(repo, "rev-parse", "HEAD");

    Path bare = LocalRemote.create(repo, tmp.resolve("run"), new Git());

    assertThat(git(bare, "rev-parse", "--is-bare-repository")).isEqualTo("true");
    assertThat(git(bare, "rev-parse", "main")).isEqualTo(head);
    assertThat(git(bare, "rev-parse", "feature")).isEqualTo(head);
    // a second import of the same name leaves the first as it was and takes the next free name
    git(repo, "commit", "--allow-empty", "-q", "-m", "later");
    Path again = LocalRemote.create(repo, tmp.resolve("run"), new Git());
    assertThat(again.getFileName().toString()).isEqualTo("proj-2.git");
    assertThat(git(bare, "rev-parse", "main")).isEqualTo(head);
    assertThat(git(again, "rev-parse", "main")).isNotEqualTo(head);
  }
}
