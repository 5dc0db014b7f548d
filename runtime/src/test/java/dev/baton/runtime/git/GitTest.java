package dev.baton.runtime.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitTest {
  @TempDir Path tmp;

  @Test
  void failureNamesTheCommandTheExitCodeAndStderr() {
    TestRepositories.withFiles(tmp.resolve("r"), 1);
    assertThatThrownBy(() -> new Git().run(tmp.resolve("r"), "rev-parse", "--verify", "no-such-branch"))
        .isInstanceOfSatisfying(GitException.class, e -> {
          assertThat(e.command()).containsExactly("git", "rev-parse", "--verify", "no-such-branch");
          assertThat(e.exitCode()).isEqualTo(128);
          assertThat(e.getMessage()).contains("git rev-parse --verify no-such-branch")
              .contains("code 128").contains("Needed a single revision");
        });
  }

  @Test
  void killsACommandPastItsTimeout() {
    Git git = new Git().withTimeout(Duration.ofMillis(300));
    long start = System.nanoTime();
    assertThatThrownBy(() -> git.run(tmp, "-c", "alias.hang=!sleep 30", "hang"))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("timed out");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void boundsTheCapturedOutputAndSaysSo() throws GitException {
    TestRepositories.withFiles(tmp.resolve("r"), 50);
    Git small = new Git("git", Git.DEFAULT_TIMEOUT, 100, "Baton", "baton@localhost");
    Git.Result result = small.exec(tmp.resolve("r"), java.util.List.of("ls-files"), java.util.Map.of(), null);
    assertThat(result.stdout()).hasSize(100);
    assertThat(result.truncated()).isTrue();
    assertThatThrownBy(() -> Git.check(result)).hasMessageContaining("more than 100 bytes");
  }

  @Test
  void passesStandardInput() throws GitException {
    TestRepositories.withFiles(tmp.resolve("r"), 1);
    Git.Result result = new Git().exec(tmp.resolve("r"), java.util.List.of("hash-object", "--stdin"),
        java.util.Map.of(), "hello\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(result.firstLine()).isEqualTo("ce013625030ba8dba906f756967f9e9ca394464a");
  }
}
