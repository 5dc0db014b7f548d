package dev.baton.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole mesh from the image: a master and the four sub-orchestrators, each its own container with
 * a read-only root filesystem and tmpfs /tmp as in the manifests, and examples/ecommerce.yaml submitted
 * with the image's own CLI. Host networking on loopback keeps the test independent of podman's bridge
 * (MasterContainerIT covers that), and an ephemeral port keeps it clear of other builds on the machine.
 */
class MeshFromImageIT {
  static final List<String> DOMAINS = List.of("frontend", "backend", "devops", "testing");
  /** The ecommerce plan at this time scale takes a few seconds of simulated droid work. */
  static final String TIME_SCALE = "0.001";

  static ImageFixture fixture;

  @BeforeAll
  static void loadImage() {
    fixture = ImageFixture.load();
  }

  @AfterAll
  static void cleanUp() {
    if (fixture != null) {
      fixture.podman.close();
    }
  }

  @Test
  void ecommercePlanSucceedsOnAMeshOfContainers() throws Exception {
    int port = ImageFixture.freePort();
    String master = "127.0.0.1:" + port;
    String masterName = fixture.podman.container("master");
    fixture.podman.ok(runArgs(masterName, "master", "--host=127.0.0.1", "--port=" + port,
        "--journal=/var/lib/baton/journal.db"));
    assertThat(fixture.awaitReady(masterName)).contains("role=master", "address=" + master);

    List<String> orchestrators = new ArrayList<>();
    for (String domain : DOMAINS) {
      String name = fixture.podman.container(domain);
      orchestrators.add(name);
      fixture.podman.ok(runArgs(name, "orchestrator", "--domain=" + domain, "--master=" + master));
    }
    for (String name : orchestrators) {
      assertThat(fixture.awaitReady(name)).startsWith("BATON_READY role=orchestrator");
    }
    MeshLauncher.awaitRegistered(master, Set.copyOf(DOMAINS), Duration.ofSeconds(60));

    Podman.Result submit = fixture.podman.run(Duration.ofMinutes(3), "run", "--rm", "--network", "host",
        "-v", ImageFixture.repoRoot().resolve("examples") + ":/plans:ro", fixture.image,
        "submit", "/plans/ecommerce.yaml", "--wait", "--output", "json", "--time-scale", TIME_SCALE,
        "--master", master);

    assertThat(submit.exitCode()).as(submit.toString()).isZero();
    PlanStatus.Builder status = PlanStatus.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(submit.stdout(), status);
    assertThat(status.getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    // Guards against passing vacuously: the plan had tasks, every one succeeded, all four domains ran some.
    assertThat(status.getTasksList()).hasSizeGreaterThan(4)
        .allSatisfy(task -> assertThat(task.getState()).as(task.getId()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED));
    Set<String> ranOn = status.getTasksList().stream().map(TaskStatus::getOrchestrator).collect(Collectors.toSet());
    assertThat(String.join(",", ranOn)).contains(DOMAINS);
  }

  /** A detached container on the host's network, root read-only, /tmp a tmpfs, state on tmpfs too. */
  private static String[] runArgs(String name, String... batonArgs) {
    List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "host",
        "--read-only", "--read-only-tmpfs=false", "--tmpfs", "/tmp:rw,size=256m,mode=1777",
        "--tmpfs", "/var/lib/baton:rw,size=64m,mode=1777", "--cap-drop=ALL", "--security-opt=no-new-privileges",
        fixture.image));
    args.addAll(List.of(batonArgs));
    return args.toArray(String[]::new);
  }
}
