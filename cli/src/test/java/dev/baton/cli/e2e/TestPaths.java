package dev.baton.cli.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's files and the project-local tools are, as Surefire tells the tests. */
final class TestPaths {
  private TestPaths() {}

  static Path repoRoot() {
    Path root = Path.of(System.getProperty("baton.repo.root", "..")).toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve("examples"))) {
      throw new IllegalStateException("no examples/ under " + root + " (set -Dbaton.repo.root)");
    }
    return root;
  }

  static Path example(String name) {
    return repoRoot().resolve("examples").resolve(name);
  }

  /** A tool installed by scripts/install-tools.sh. */
  static Path tool(String name) {
    Path dir = Path.of(System.getProperty("baton.tools.dir", repoRoot().resolve(".tools/bin").toString()));
    Path tool = dir.resolve(name);
    if (!Files.isExecutable(tool)) {
      throw new IllegalStateException(tool + " is missing: run scripts/install-tools.sh (the Maven build does)");
    }
    return tool;
  }

  /** Run directories of the test meshes, kept under target/ for post-mortems. */
  static Path runsDir() {
    return Path.of("target", "baton-runs").toAbsolutePath();
  }
}
