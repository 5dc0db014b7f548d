package dev.baton.k8s;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the repository and its test tools are, and how the checks run them. The tools are
 * installed by {@code scripts/tools/kubernetes-lint.sh} (the module's pom calls it through
 * {@code install-tools.sh --kubernetes-lint} before the tests); a tool still missing means the
 * build was told to skip installing ({@code -Dbaton.tools.skip=true}), so its tests are skipped
 * with that reason rather than failed.
 */
final class Tools {
  /** The Kubernetes version whose schemas kubeconform validates against (the script's version). */
  static final String KUBERNETES_VERSION = "1.34.4";

  private Tools() {}

  static Path repoRoot() {
    return Path.of(System.getProperty("baton.repo.root", "..")).toAbsolutePath().normalize();
  }

  static Path k8sDir() {
    return repoRoot().resolve("k8s");
  }

  static Path toolsBin() {
    return Path.of(System.getProperty("baton.tools.dir", repoRoot().resolve(".tools/bin").toString()))
        .toAbsolutePath()
        .normalize();
  }

  /** The kubeconform schema directory layout: {@code <dir>/v1.34.4-standalone-strict/<kind>-<group>-<version>.json}. */
  static Path schemasDir() {
    return toolsBin().getParent().resolve("k8s-schemas");
  }

  /** A tool of .tools/bin, or the test is skipped naming how to install it. */
  static Path tool(String name) {
    Path path = toolsBin().resolve(name);
    assumeTrue(
        Files.isExecutable(path),
        name + " is not installed in " + toolsBin()
            + "; run 'bash scripts/install-tools.sh --kubernetes-lint' (the k8s module's build does)");
    return path;
  }

  /** The overlays: every directory of k8s/overlays holding a kustomization.yaml. */
  static List<Path> overlays(Path k8sDir) throws IOException {
    List<Path> overlays = new ArrayList<>();
    try (var entries = Files.list(k8sDir.resolve("overlays"))) {
      entries.filter(p -> Files.isRegularFile(p.resolve("kustomization.yaml"))).sorted().forEach(overlays::add);
    }
    return overlays;
  }

  /** A copy of k8s/ (without build output and tests) under {@code dir}, for tests that change it. */
  static Path copyK8s(Path dir) throws IOException {
    Path source = k8sDir();
    Path target = dir.resolve("k8s");
    try (var files = Files.walk(source)) {
      for (Path p : files.filter(p -> !p.startsWith(source.resolve("target")) && !p.startsWith(source.resolve("src"))).toList()) {
        Path to = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return target;
  }

  record Result(int exitCode, String stdout, String stderr) {
    String output() {
      return (stdout + "\n" + stderr).strip();
    }
  }

  /**
   * Runs a command to its end (bounded by {@code timeout}), with stdin from {@code input} when not
   * null. Output goes to temporary files, so a large manifest cannot fill a pipe and stall it.
   */
  static Result run(List<String> command, Path dir, String input, Duration timeout)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("baton-k8s-", ".out");
    Path err = Files.createTempFile("baton-k8s-", ".err");
    Path in = null;
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      if (input != null) {
        in = Files.createTempFile("baton-k8s-", ".in");
        Files.writeString(in, input, StandardCharsets.UTF_8);
        builder.redirectInput(in.toFile());
      }
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(command.get(0) + " did not finish within " + timeout);
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      if (in != null) {
        Files.deleteIfExists(in);
      }
    }
  }
}
