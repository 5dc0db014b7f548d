package dev.baton.master.repo;

import static dev.baton.runtime.git.TestRepositories.git;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.runtime.git.Git;
import dev.baton.runtime.git.GitException;
import dev.baton.runtime.git.PreparedWorkspace;
import dev.baton.runtime.git.TaskWorkspaces;
import dev.baton.runtime.git.TestRepositories;
import dev.baton.v1.GitResult;
import dev.baton.v1.RepositoryCheckout;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitHttpServerTest {
  @TempDir Path tmp;
  private GitHttpServer server;
  private Path served;
  private String base;

  @BeforeEach
  void setUp() throws Exception {
    Path source = TestRepositories.withFiles(tmp.resolve("source"), 5);
    base = git(source, "rev-parse", "HEAD");
    served = TestRepositories.bareClone(source, tmp.resolve("served/app.git"));
    server = GitHttpServer.start(tmp.resolve("served"), "127.0.0.1", 0);
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private Git.Result push(Path clone, String refspec) throws GitException {
    return new Git().exec(clone, List.of("push", "origin", refspec), Map.of(), null);
  }

  @Test
  void clonesFetchesAndAcceptsPushesToBatonBranches() throws GitException {
    assertThat(server.url("app")).isEqualTo("http://127.0.0.1:" + server.port() + "/app.git");
    git(tmp, "clone", "--quiet", server.url("app"), "clone");
    Path clone = tmp.resolve("clone");
    assertThat(git(clone, "rev-parse", "HEAD")).isEqualTo(base);

    TestRepositories.write(tmp.resolve("source"), "new.txt", "new\n");
    String next = TestRepositories.commitAll(tmp.resolve("source"), "next");
    git(tmp.resolve("source"), "push", "--quiet", served.toString(), "main");
    git(clone, "fetch", "--quiet", "origin");
    assertThat(git(clone, "rev-parse", "origin/main")).isEqualTo(next);

    TestRepositories.write(clone, "work.txt", "work\n");
    String work = TestRepositories.commitAll(clone, "task work");
    Git.Result pushed = push(clone, "HEAD:refs/heads/baton/x/y");

    assertThat(pushed.ok()).as(pushed.stderr()).isTrue();
    assertThat(git(served, "rev-parse", "refs/heads/baton/x/y")).isEqualTo(work);
  }

  /** --advertise: the URLs handed to sub-orchestrators name the advertised host (the one its certificate names). */
  @Test
  void urlsNameTheAdvertisedHost() throws GitException {
    server.advertisedAs("localhost");
    assertThat(server.url("app")).isEqualTo("http://localhost:" + server.port() + "/app.git");
    git(tmp, "clone", "--quiet", server.url("app"), "clone");
    assertThat(git(tmp.resolve("clone"), "rev-parse", "HEAD")).isEqualTo(base);
    server.advertisedAs(null);
    assertThat(server.url("app")).isEqualTo("http://127.0.0.1:" + server.port() + "/app.git");
  }

  @Test
  void aPushCarriesItsMastersEpochAndTheGateRefusesANewerOneWithItsReason() throws GitException {
    // The gate of a master leading under epoch 3: older and equal epochs (and none) pass, newer ones not.
    server.pushGate(epoch -> epoch > 3 ? java.util.Optional.of("the push is for epoch " + epoch
        + " but this master leads under epoch 3") : java.util.Optional.empty());
    git(tmp, "clone", "--quiet", server.url("app"), "clone");
    Path clone = tmp.resolve("clone");
    TestRepositories.write(clone, "work.txt", "work\n");
    String work = TestRepositories.commitAll(clone, "task work");

    Git.Result newer = new Git().exec(clone, List.of("-c", "http.extraHeader=Baton-Master-Epoch: 4", "push", "origin",
        "HEAD:refs/heads/baton/x/newer"), Map.of(), null);
    Git.Result older = new Git().exec(clone, List.of("-c", "http.extraHeader=Baton-Master-Epoch: 2", "push", "origin",
        "HEAD:refs/heads/baton/x/older"), Map.of(), null);
    Git.Result none = push(clone, "HEAD:refs/heads/baton/x/none");

    assertThat(newer.ok()).isFalse();
    assertThat(newer.stderr()).contains("403");
    assertThat(new Git().exec(served, List.of("rev-parse", "--verify", "--quiet", "refs/heads/baton/x/newer"), Map.of(), null)
        .ok()).isFalse();
    assertThat(older.ok()).as(older.stderr()).isTrue();
    assertThat(none.ok()).as(none.stderr()).isTrue();
    assertThat(git(served, "rev-parse", "refs/heads/baton/x/older")).isEqualTo(work);
  }

  @Test
  void acceptsAPushLargerThanGitsPostBufferSentInChunks() throws Exception {
    git(tmp, "clone", "--quiet", server.url("app"), "clone");
    Path clone = tmp.resolve("clone");
    byte[] noise = new byte[3 * 1024 * 1024];
    new java.util.Random(7).nextBytes(noise); // incompressible: the pack exceeds http.postBuffer (1 MiB)
    java.nio.file.Files.write(clone.resolve("big.bin"), noise);
    String big = TestRepositories.commitAll(clone, "big");

    Git.Result pushed = push(clone, "HEAD:refs/heads/baton/x/big");

    assertThat(pushed.ok()).as(pushed.stderr()).isTrue();
    assertThat(git(served, "rev-parse", "refs/heads/baton/x/big")).isEqualTo(big);
  }

  @Test
  void refusesAPushToMainWithAClearMessage() throws GitException {
    git(tmp, "clone", "--quiet", server.url("app"), "clone");
    Path clone = tmp.resolve("clone");
    TestRepositories.write(clone, "evil.txt", "no\n");
    TestRepositories.commitAll(clone, "to main");

    Git.Result pushed = push(clone, "HEAD:refs/heads/main");

    assertThat(pushed.ok()).isFalse();
    assertThat(pushed.stderr())
        .contains("push to refs/heads/main refused: this server accepts pushes only to refs/heads/baton/*")
        .contains("[remote rejected]");
    assertThat(git(served, "rev-parse", "main")).isEqualTo(base);
  }

  @Test
  void answersAnUnknownRepositoryWithNotFound() throws GitException {
    Git.Result clone = new Git().exec(tmp, List.of("clone", server.url("nope"), "nope"), Map.of(), null);
    assertThat(clone.ok()).isFalse();
    assertThat(clone.stderr()).contains("not found");
  }

  @Test
  void aSubOrchestratorPreparesAndPublishesATaskOverHttp() throws GitException {
    TaskWorkspaces workspaces = new TaskWorkspaces(
        TaskWorkspaces.Settings.defaults(tmp.resolve("orch")), Clock.systemUTC());
    PreparedWorkspace ws = workspaces.prepare("p", "t", 1, RepositoryCheckout.newBuilder()
        .setUrl(server.url("app")).setBaseCommit(base).build());
    TestRepositories.write(ws.path(), "api.yaml", "openapi: 3.0.0\n");

    GitResult result = ws.publish("t: api", Map.of("Baton-Task", "t"));

    assertThat(result.getPushed()).isTrue();
    assertThat(git(served, "rev-parse", "refs/heads/baton/p/tasks/t")).isEqualTo(result.getCommit());
    ws.release(true);
    assertThat(ws.path()).doesNotExist();

    // a commit made after the cache was cloned is fetched by id over HTTP
    TestRepositories.write(tmp.resolve("source"), "later.txt", "later\n");
    String later = TestRepositories.commitAll(tmp.resolve("source"), "later");
    git(tmp.resolve("source"), "push", "--quiet", served.toString(), "main:refs/heads/elsewhere");
    PreparedWorkspace next = workspaces.prepare("p", "t2", 1, RepositoryCheckout.newBuilder()
        .setUrl(server.url("app")).setBaseCommit(later).build());
    assertThat(TestRepositories.read(next.path(), "later.txt")).isEqualTo("later\n");
  }
}
