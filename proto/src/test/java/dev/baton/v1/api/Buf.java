package dev.baton.v1.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code buf} (built by scripts/tools/buf.sh into .tools/bin; the proto module's build
 * calls install-tools.sh --buf first) in a module directory holding a buf.yaml.
 */
final class Buf {
  /** A buf command lints or compares nine files in about a second; a minute means it hangs. */
  private static final long TIMEOUT_S = 60;

  /** Exit code and combined output of one run. */
  record Result(int exitCode, String output) {}

  private final Path executable;

  private Buf(Path executable) {
    this.executable = executable;
  }

  /** The buf of {@code baton.tools.dir} (set by the pom), else the repository's .tools/bin. */
  static Buf find() {
    String dir = System.getProperty("baton.tools.dir", repoRoot().resolve(".tools/bin").toString());
    Path buf = Path.of(dir, "buf");
    if (!Files.isExecutable(buf)) {
      throw new IllegalStateException(buf + " is missing (expected: bash scripts/install-tools.sh --buf, which the"
          + " proto module's build runs at process-test-resources)");
    }
    return new Buf(buf);
  }

  static Path repoRoot() {
    return Path.of(System.getProperty("baton.repo.root", "..")).toAbsolutePath().normalize();
  }

  Result run(Path moduleDir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(executable.toString()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile("buf", ".log");
    try {
      Process p = new ProcessBuilder(command).directory(moduleDir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("buf " + String.join(" ", args) + " ran over " + TIMEOUT_S + " s");
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
