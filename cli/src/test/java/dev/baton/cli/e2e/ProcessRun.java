package dev.baton.cli.e2e;

import dev.baton.cli.mesh.JavaCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A finished child process: exit code and both outputs. Runs {@code baton} (same JVM binary and
 * class path as the tests) or any tool; a process that overruns its timeout is killed with its tree.
 */
record ProcessRun(int exitCode, String stdout, String stderr) {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  static ProcessRun baton(String... args) {
    return exec(JavaCommand.current().baton(List.of(args)), DEFAULT_TIMEOUT);
  }

  static ProcessRun exec(List<String> command, Duration timeout) {
    Path out = null;
    Path err = null;
    Process process = null;
    try {
      out = Files.createTempFile("baton-test-", ".out");
      err = Files.createTempFile("baton-test-", ".err");
      process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s: " + String.join(" ", tail(command))
            + "\nstderr: " + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new ProcessRun(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      if (process != null && process.isAlive()) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
      delete(out);
      delete(err);
    }
  }

  private static List<String> tail(List<String> command) {
    int main = command.indexOf(JavaCommand.MAIN_CLASS);
    return main < 0 ? command : new ArrayList<>(command.subList(main, command.size()));
  }

  private static void delete(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a temp file; the OS cleans it eventually
      }
    }
  }

  /** stderr's non-empty lines, for "one line on stderr" assertions. */
  List<String> stderrLines() {
    return stderr.lines().filter(l -> !l.isBlank()).toList();
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
  }
}
