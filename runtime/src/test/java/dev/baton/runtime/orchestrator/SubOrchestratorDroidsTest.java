package dev.baton.runtime.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.runtime.coordination.FakeMaster;
import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.runtime.droid.definition.DroidDefinitionException;
import dev.baton.v1.DescribeRequest;
import dev.baton.v1.Droid;
import dev.baton.v1.SubOrchestratorGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The droid pool of a running sub-orchestrator: built-ins, --droids, and a task's repository. */
class SubOrchestratorDroidsTest {
  @TempDir Path dir;
  private FakeMaster master;
  private SubOrchestratorServer server;

  @BeforeEach
  void startMaster() {
    master = FakeMaster.start(List.of());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    master.close();
  }

  private OrchestratorConfig config(Path droidsDir) {
    return OrchestratorConfig.builder().masterAddress(master.address()).workspaceRoot(dir.resolve("ws"))
        .droidsDir(droidsDir).build();
  }

  private static void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void describesTheBuiltInsOverriddenByTheDroidsDirectory() throws Exception {
    Path droids = dir.resolve("droids");
    write(droids.resolve("api-designer.md"), "---\nname: api-designer\ndescription: our API designer\n"
        + "model: claude-opus-4-1\nrunner: claude\nexpertise: [api, graphql]\n---\nDesign our APIs.\n");
    write(droids.resolve("writer.md"), "---\nname: writer\ndescription: writes docs\nexpertise: [docs]\n---\nWrite.\n");
    server = SubOrchestratorServer.start(config(droids),
        Specialisations.find("sample"));
    ManagedChannel channel = NettyChannelBuilder.forTarget(server.address()).usePlaintext().build();
    try {
      List<Droid> described = SubOrchestratorGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
          .describe(DescribeRequest.getDefaultInstance()).getOrchestrator().getDroidsList();

      assertThat(described).extracting(Droid::getName).containsExactly("generalist", "api-designer", "writer");
      assertThat(described.get(0).getSource()).isEqualTo("builtin:sample/generalist.md");
      assertThat(described.get(1)).isEqualTo(Droid.newBuilder().setName("api-designer")
          .setDescription("our API designer").addAllExpertise(List.of("api", "graphql")).setRunner("claude")
          .setModel("claude-opus-4-1").setSource(droids.resolve("api-designer.md").toString()).build());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void givesEachTaskThePoolOfItsRepository() throws Exception {
    Path repo = dir.resolve("repo");
    write(repo.resolve(".claude/agents/generalist.md"), "---\nname: generalist\ndescription: the repository's own\n"
        + "---\nWork the way this repository does.\n");
    server = SubOrchestratorServer.start(config(null), Specialisations.find("sample"));

    var pool = server.droids().forRepository(repo);

    assertThat(pool.names()).containsExactly("generalist", "api-designer");
    assertThat(pool.find("generalist").orElseThrow().format()).isEqualTo(DroidDefinition.Format.CLAUDE);
    assertThat(server.droids().pool().find("generalist").orElseThrow().source())
        .isEqualTo("builtin:sample/generalist.md");
  }

  @Test
  void refusesToStartWithABadDroidsDirectory() throws Exception {
    Path droids = dir.resolve("droids");
    write(droids.resolve("bad.md"), "---\nname: bad\nrunner: gpt\n---\nP.\n");

    assertThatThrownBy(() -> SubOrchestratorServer.start(config(droids), Specialisations.find("sample")))
        .isInstanceOf(DroidDefinitionException.class)
        .hasMessage(droids.resolve("bad.md") + ":3: runner: 'gpt' (expected: one of claude, codex, command, droid,"
            + " scripted, sim)");
  }
}
