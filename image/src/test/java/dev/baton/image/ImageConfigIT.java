package dev.baton.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image's configuration and contents as the manifests rely on them: who it runs as, what it runs,
 * and that the programs Baton starts (git with its helpers, sh) work without anything from a base
 * image. Containers here have no network ({@code --network none}) unless a test needs one.
 */
class ImageConfigIT {
  /** A bound on the image's unpacked size, so a JRE or library bloat shows up (it is about 135 MB). */
  static final long MAX_IMAGE_BYTES = 170L * 1024 * 1024;

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
  void runsAsUser10001WithTheJvmAsEntrypointAndTheContractPorts() throws IOException {
    JsonNode config = inspect().path("Config");

    assertThat(config.path("User").asText()).isEqualTo("10001:10001");
    List<String> entrypoint = texts(config.path("Entrypoint"));
    assertThat(entrypoint).first().isEqualTo("/opt/java/bin/java");
    assertThat(entrypoint).last().isEqualTo("dev.baton.cli.Baton");
    assertThat(texts(config.path("Env"))).contains("HOME=/var/lib/baton", "JAVA_HOME=/opt/java");
    assertThat(config.path("WorkingDir").asText()).isEqualTo("/var/lib/baton");
    List<String> ports = new ArrayList<>();
    config.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
    assertThat(ports).containsExactlyInAnyOrder("7233/tcp", "7234/tcp", "7300/tcp", "7280/tcp", "9464/tcp");
  }

  @Test
  void staysUnderItsSizeBound() throws IOException {
    long size = inspect().path("Size").asLong();
    System.out.printf("image %s: %.1f MB unpacked, tarball %.1f MB%n", fixture.image, size / 1048576.0,
        Files.size(Path.of(ImageFixture.property("baton.image.tar"))) / 1048576.0);
    assertThat(size).isPositive().isLessThan(MAX_IMAGE_BYTES);
  }

  @Test
  void processesRunAsUid10001WithHomeWritable() {
    Podman.Result result = shell(
        "while read k v rest; do [ \"$k\" = Uid: ] && echo uid=$v; [ \"$k\" = Gid: ] && echo gid=$v; done </proc/self/status;"
            + " echo home=$HOME; : > \"$HOME/probe\" && echo home-writable; : > /tmp/probe && echo tmp-writable");

    assertThat(result.stdout().lines()).contains("uid=10001", "gid=10001", "home=/var/lib/baton", "home-writable",
        "tmp-writable");
  }

  @Test
  void gitMakesWorktreesAndCommitsWithItsOwnHelpers() {
    Podman.Result result = shell("set -e; cd /tmp; git --version; git init -q -b main repo; cd repo;"
        + " echo hi > a.txt; git add a.txt; git -c user.email=it@baton.dev -c user.name=it commit -q -m first;"
        + " git worktree add -q -b task ../task-tree; git -C ../task-tree rev-parse --abbrev-ref HEAD;"
        + " git clone -q /tmp/repo /tmp/clone && echo cloned; git -C /tmp/clone rev-parse --abbrev-ref HEAD");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).startsWith("git version 2.").contains("cloned");
    assertThat(result.stdout().lines()).contains("task", "main");
  }

  @Test
  void gitHasItsHttpsTransportAndCaCertificates() {
    // No network: the helper must be found and then fail to connect, not fail to exist.
    Podman.Result result = shell("git ls-remote https://example.invalid/repo.git; echo exit=$?;"
        + " [ -s /etc/ssl/certs/ca-certificates.crt ] && echo ca-present");

    assertThat(result.stdout()).contains("exit=128", "ca-present");
    assertThat(result.stderr()).doesNotContain("remote helper", "not found", "No such file")
        .contains("Could not resolve host");
  }

  @Test
  void theCliAnswersAndHasEveryRoleCommand() {
    Podman.Result result = fixture.podman.ok("run", "--rm", "--network", "none", fixture.image, "--help");

    assertThat(result.stdout()).contains("master", "orchestrator", "submit", "certs");
  }

  @Test
  void theJreHoldsEveryModuleJdepsFindsInTheCli() throws IOException, InterruptedException {
    Path jar = Path.of(ImageFixture.property("baton.cli.jar"));
    Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
    assertThat(jar).as("the shaded CLI jar (cli module, package)").isRegularFile();
    Path out = Files.createTempFile("jdeps", ".out");
    try {
      Process process = new ProcessBuilder(jdeps.toString(), "--ignore-missing-deps", "--print-module-deps",
          "--multi-release", "17", jar.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("jdeps finished").isTrue();
      String printed = Files.readString(out).strip();
      assertThat(process.exitValue()).as(printed).isZero();
      TreeSet<String> needed = new TreeSet<>(Arrays.asList(printed.lines().reduce((a, b) -> b).orElse("").split(",")));
      List<String> inImage = Arrays.asList(ImageFixture.property("baton.jre.modules").split(","));

      assertThat(inImage).as("image/pom.xml's baton.jre.modules").containsAll(needed);
    } finally {
      Files.deleteIfExists(out);
    }
    Podman.Result modules = fixture.podman.ok("run", "--rm", "--network", "none", "--entrypoint", "/opt/java/bin/java",
        fixture.image, "--list-modules");
    assertThat(modules.stdout()).contains("java.base@17", "jdk.crypto.ec@17", "jdk.unsupported@17");
  }

  private static Podman.Result shell(String script) {
    return fixture.podman.run(Duration.ofMinutes(1), "run", "--rm", "--network", "none", "--entrypoint", "/bin/sh",
        fixture.image, "-c", script);
  }

  private static JsonNode inspect() throws IOException {
    Podman.Result result = fixture.podman.ok("image", "inspect", fixture.image);
    JsonNode array = new ObjectMapper().readTree(result.stdout());
    assertThat(array.isArray() && array.size() == 1).as(result.stdout()).isTrue();
    return array.get(0);
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }
}
