package dev.baton.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;

/**
 * What every image test needs: the loaded image, the repository's paths, grpcurl, free ports, and
 * polling a container's log for its {@code BATON_READY} line. Test-thread only.
 */
final class ImageFixture {
  /**
   * How long a container may take from `podman run` to BATON_READY: about 1 s on an idle machine, but
   * five JVMs starting at once with TLS on 2 cores shared with other builds (load 30) took 40 s.
   */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

  final Podman podman;
  final String image;

  private ImageFixture(Podman podman, String image) {
    this.podman = podman;
    this.image = image;
  }

  /** Loads the image into this build's podman storage, or skips the test class saying why podman cannot run. */
  static ImageFixture load() {
    Podman podman = Podman.open();
    podman.unavailableReason().ifPresent(reason -> Assumptions.abort("image tests skipped: " + reason));
    String image = podman.load(Path.of(property("baton.image.tar")), property("baton.image.name"));
    return new ImageFixture(podman, image);
  }

  static String property(String name) {
    String value = System.getProperty(name);
    assertThat(value).as("system property %s (set by image/pom.xml's failsafe configuration)", name).isNotBlank();
    return value;
  }

  static Path repoRoot() {
    return Path.of(property("baton.repo.root")).toAbsolutePath().normalize();
  }

  static Path grpcurl() {
    Path grpcurl = Path.of(property("baton.tools.dir"), "grpcurl");
    assertThat(grpcurl).as("grpcurl (scripts/install-tools.sh installs it)").isExecutable();
    return grpcurl;
  }

  /** A port free on the host now (another process may take it before the container binds it). */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the container's BATON_READY line and returns it; fails with the container's log. */
  String awaitReady(String container) {
    AtomicReference<String> line = new AtomicReference<>();
    AtomicReference<String> lastLog = new AtomicReference<>("");
    try {
      await().atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
        String log = podman.logs(container);
        lastLog.set(log);
        for (String l : log.split("\n")) {
          if (l.startsWith("BATON_READY ")) {
            line.set(l);
            return true;
          }
        }
        Podman.Result state = podman.run(Duration.ofSeconds(30), "inspect", "-f", "{{.State.Running}}", container);
        assertThat(state.stdout().strip()).as("container %s stopped before BATON_READY; its log:\n%s", container, log)
            .isEqualTo("true");
        return false;
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("no BATON_READY from " + container + " within " + READY_TIMEOUT + "; its log:\n"
          + lastLog.get(), e);
    }
    return line.get();
  }

  /**
   * Calls grpc.health.v1.Health/Check on {@code address} (plaintext) for {@code service} until it answers
   * SERVING, and returns that answer; fails with the last answer after the deadline.
   */
  static String awaitServing(String address, String service) {
    return awaitServing(address, service, List.of());
  }

  /** Like {@link #awaitServing(String, String)}, with grpcurl's TLS flags ({@code -cacert -cert -key}) instead of plaintext. */
  static String awaitServing(String address, String service, List<String> tlsArgs) {
    AtomicReference<String> last = new AtomicReference<>("");
    try {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
        String answer = healthCheck(address, service, tlsArgs);
        last.set(answer);
        return answer.contains("\"SERVING\"");
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("health of '" + service + "' at " + address + " never SERVING; last answer: "
          + last.get(), e);
    }
    return last.get();
  }

  private static final String HEALTH_PROTO = "grpc/health/v1/health.proto";
  private static Path healthProtoRoot;

  /** A directory holding grpc-services' {@value #HEALTH_PROTO}, copied once from the class path. */
  static synchronized Path healthProtoRoot() throws IOException {
    if (healthProtoRoot == null) {
      Path root = Files.createTempDirectory("baton-health-proto");
      Path file = root.resolve(HEALTH_PROTO);
      Files.createDirectories(file.getParent());
      try (java.io.InputStream in = ImageFixture.class.getClassLoader().getResourceAsStream(HEALTH_PROTO)) {
        if (in == null) {
          throw new IOException(HEALTH_PROTO + " is not on the class path (grpc-services)");
        }
        Files.copy(in, file);
      }
      healthProtoRoot = root;
    }
    return healthProtoRoot;
  }

  /** One grpcurl health check: its output, or its error. */
  static String healthCheck(String address, String service, List<String> tlsArgs)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(grpcurl().toString(), "-max-time", "3"));
    if (tlsArgs.isEmpty()) {
      command.add("-plaintext");
    } else {
      command.addAll(tlsArgs);
    }
    // From health.proto rather than reflection: the health port (--health-port) serves no reflection.
    command.addAll(List.of("-import-path", healthProtoRoot().toString(), "-proto", HEALTH_PROTO));
    if (!service.isEmpty()) {
      command.addAll(List.of("-d", "{\"service\":\"" + service + "\"}"));
    }
    command.addAll(List.of(address, "grpc.health.v1.Health/Check"));
    Path out = Files.createTempFile("grpcurl", ".out");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "grpcurl timed out";
      }
      return Files.readString(out);
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
