package dev.baton.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A master started from the image on podman's bridge network, reached through a published port the
 * way a kubelet or a Service reaches it, and a master run as the manifests run it: read-only root
 * filesystem, tmpfs /tmp, a volume on /var/lib/baton holding its journal, no capabilities.
 */
class MasterContainerIT {
  static ImageFixture fixture;
  static String network;

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

  /**
   * A bridge network of this test class. Not podman's default one: its addresses are handed out per
   * storage, and other builds on this machine with their own storage would hand out the same ones.
   */
  private static String network() {
    if (network == null) {
      network = fixture.podman.network("bridge");
    }
    return network;
  }

  @Test
  void masterOnABridgeNetworkServesHealthOnItsPublishedPort() {
    String name = fixture.podman.container("master");
    int port = ImageFixture.freePort();
    long started = System.nanoTime();
    // Bound to the container's interface (not loopback), so plaintext needs --insecure (docs/security.md).
    fixture.podman.ok("run", "-d", "--name", name, "--network", network(), "-p", "127.0.0.1:" + port + ":7233",
        fixture.image, "master", "--host=0.0.0.0", "--port=7233", "--git-port=-1", "--insecure");

    String ready = fixture.awaitReady(name);
    System.out.printf("master container: podman run to BATON_READY in %d ms%n", (System.nanoTime() - started) / 1_000_000);

    assertThat(ready).startsWith("BATON_READY role=master");
    assertThat(ImageFixture.awaitServing("127.0.0.1:" + port, "")).contains("\"SERVING\"");
    assertThat(ImageFixture.awaitServing("127.0.0.1:" + port, "baton.v1.Master")).contains("\"SERVING\"");
  }

  @Test
  void masterRunsWithAReadOnlyRootTmpfsTmpAndItsJournalOnAVolume() {
    String name = fixture.podman.container("master-ro");
    String volume = fixture.podman.volume("state");
    int port = ImageFixture.freePort();
    fixture.podman.ok("run", "-d", "--name", name, "--network", network(), "-p", "127.0.0.1:" + port + ":7233",
        "--read-only", "--read-only-tmpfs=false", "--tmpfs", "/tmp:rw,size=64m,mode=1777",
        "-v", volume + ":/var/lib/baton", "--cap-drop=ALL", "--security-opt=no-new-privileges",
        fixture.image, "master", "--host=0.0.0.0", "--port=7233", "--insecure",
        "--journal=/var/lib/baton/journal.db", "--git-dir=/var/lib/baton/git");

    assertThat(fixture.awaitReady(name)).startsWith("BATON_READY role=master");
    assertThat(ImageFixture.awaitServing("127.0.0.1:" + port, "baton.v1.Master")).contains("\"SERVING\"");

    // The root filesystem refuses writes; the journal went to the volume.
    Podman.Result probe = fixture.podman.run(Duration.ofMinutes(1), "run", "--rm", "--network", "none",
        "--read-only", "--read-only-tmpfs=false", "-v", volume + ":/var/lib/baton", "--entrypoint", "/bin/sh",
        fixture.image, "-c", "if (: > /opt/probe) 2>/dev/null; then echo root-writable; else echo root-read-only; fi;"
            + " [ -s /var/lib/baton/journal.db ] && echo journal-present; [ -d /var/lib/baton/git ] && echo git-dir-present");
    assertThat(probe.exitCode()).as(probe.toString()).isZero();
    assertThat(probe.stdout().lines()).contains("root-read-only", "journal-present", "git-dir-present");
  }

  @Test
  void masterStopsOnSigtermWithinTheGracePeriodAsPidOne() {
    String name = fixture.podman.container("master-stop");
    fixture.podman.ok("run", "-d", "--name", name, "--network", "none", fixture.image, "master", "--git-port=-1");
    fixture.awaitReady(name);

    long started = System.nanoTime();
    // podman stop sends SIGTERM, then SIGKILL after -t seconds: a JVM that ignored SIGTERM would take 20 s and exit 137.
    fixture.podman.ok("stop", "-t", "20", name);
    long stopMillis = (System.nanoTime() - started) / 1_000_000;
    String exitCode = fixture.podman.ok("inspect", "-f", "{{.State.ExitCode}}", name).stdout().strip();

    System.out.printf("master container: stopped by SIGTERM in %d ms, exit code %s%n", stopMillis, exitCode);
    assertThat(exitCode).isIn("0", "143");
    assertThat(stopMillis).isLessThan(15_000);
  }

  @Test
  void masterServesHealthOnItsOwnPortWhenTheCliHasHealthPort() {
    String name = fixture.podman.container("master-health");
    int port = ImageFixture.freePort();
    fixture.podman.ok("run", "-d", "--name", name, "--network", network(), "-p", "127.0.0.1:" + port + ":7280",
        fixture.image,
        "master", "--host=0.0.0.0", "--insecure", "--git-port=-1", "--health-port=7280");

    fixture.awaitReady(name);
    assertThat(ImageFixture.awaitServing("127.0.0.1:" + port, "baton.v1.Master")).contains("\"SERVING\"");
    assertThat(ImageFixture.awaitServing("127.0.0.1:" + port, "liveness")).contains("\"SERVING\"");
  }
}
