package dev.baton.master.repo;

import static dev.baton.runtime.git.TestRepositories.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.runtime.git.Git;
import dev.baton.runtime.git.GitTls;
import dev.baton.runtime.git.TestRepositories;
import dev.baton.runtime.security.ServerSecurity;
import dev.baton.runtime.security.tls.TestPki;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master's git server over HTTPS: orchestrators with a certificate from the mesh's CA clone and push; nobody else. */
class GitHttpsServerTest {
  @TempDir Path tmp;
  @TempDir Path pkiDir;
  private TestPki pki;
  private GitHttpServer server;
  private Path served;
  private String base;

  @BeforeEach
  void setUp() throws Exception {
    pki = TestPki.create(pkiDir);
    Path source = TestRepositories.withFiles(tmp.resolve("source"), 3);
    base = git(source, "rev-parse", "HEAD");
    served = TestRepositories.bareClone(source, tmp.resolve("served/app.git"));
    server = GitHttpServer.start(tmp.resolve("served"), "127.0.0.1", 0, pki.security(TestPki.MASTER).server());
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    pki.close();
  }

  @Test
  void orchestratorWithACertificateClonesAndPushesOverHttps() throws Exception {
    assertThat(server.url("app")).startsWith("https://127.0.0.1:");
    Git git = new Git().withTls(new GitTls(pki.issue(TestPki.orchestrator("backend")), tmp.resolve("tls")));

    git.run(tmp, "clone", "--quiet", server.url("app"), "clone");
    Path clone = tmp.resolve("clone");
    assertThat(git.run(clone, "rev-parse", "HEAD").strip()).isEqualTo(base);
    TestRepositories.write(clone, "work.txt", "work\n");
    String work = TestRepositories.commitAll(clone, "task work");
    Git.Result pushed = git.exec(clone, List.of("push", "origin", "HEAD:refs/heads/baton/x/y"), Map.of(), null);

    assertThat(pushed.ok()).as(pushed.stderr()).isTrue();
    assertThat(git(served, "rev-parse", "refs/heads/baton/x/y")).isEqualTo(work);
  }

  @Test
  void clientWithoutACertificateIsRefusedEvenWhenItTrustsTheServer() {
    Git trustsOnly = new Git();
    Git.Result clone = assertDoesNotThrow(() -> trustsOnly.exec(tmp, List.of("clone", "--quiet", server.url("app"),
        "anon"), Map.of("GIT_SSL_CAINFO", pki.ca().certificateFile().toString()), null));

    assertThat(clone.ok()).isFalse();
    // refused for want of a certificate, not because the client distrusted the server
    assertThat(clone.stderr()).doesNotContain("server certificate verification failed");
    assertThat(tmp.resolve("anon/.git")).doesNotExist();
  }

  @Test
  void plainHttpClientGetsNothingFromTheHttpsServer() throws Exception {
    Git.Result clone = new Git().exec(tmp, List.of("clone", "--quiet",
        server.url("app").replace("https://", "http://"), "plain"), Map.of(), null);

    assertThat(clone.ok()).isFalse();
  }

  @Test
  void plaintextGitServerOnAWildcardAddressIsRefusedUnlessInsecure() throws Exception {
    assertThatThrownBy(() -> GitHttpServer.start(tmp.resolve("served"), "0.0.0.0", 0, ServerSecurity.open()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("git HTTP server").hasMessageContaining("--insecure");
    ServerSecurity insecure = new ServerSecurity(io.grpc.InsecureServerCredentials.create(), List.of(), true);
    try (GitHttpServer open = GitHttpServer.start(tmp.resolve("served"), "0.0.0.0", 0, insecure)) {
      assertThat(open.baseUrl()).startsWith("http://");
    }
  }

  private static <T> T assertDoesNotThrow(java.util.concurrent.Callable<T> call) {
    try {
      return call.call();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
