package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A bare git repository on local disk that every master and sub-orchestrator reaches by its
 * {@code file://} URL (masters on several machines need a remote of their own choosing; the
 * repository a master serves dies with it), with a {@code pre-receive} hook that holds the first
 * update of an integration branch (a merge the master pushes) until {@link #release()}: the test
 * can then kill the leader between a task's success and its merge.
 */
final class HeldRemote {
  private static final String ZERO = "0000000000000000000000000000000000000000";

  private final Path bare;
  private final Path armed;
  private final Path held;
  private final Path released;

  private HeldRemote(Path dir) {
    this.bare = dir.resolve("remote.git");
    this.armed = dir.resolve("armed");
    this.held = dir.resolve("held");
    this.released = dir.resolve("released");
  }

  /** A bare repository with one commit on {@code main}, and the hook armed. */
  static HeldRemote create(Path dir) {
    return create(dir, Map.of(), true);
  }

  /**
   * A bare repository whose one commit on {@code main} holds a README and {@code files} (relative
   * path to content), with the hook armed or not.
   */
  static HeldRemote create(Path dir, Map<String, String> files, boolean arm) {
    HeldRemote r = new HeldRemote(dir);
    try {
      Files.createDirectories(dir);
      Path work = dir.resolve("seed");
      Files.createDirectories(work);
      Files.writeString(work.resolve("README.md"), "# orders\n\nThe repository of the take-over tests.\n");
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path file = work.resolve(f.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, f.getValue());
      }
      git(dir, "init", "--quiet", "--bare", "--initial-branch=main", r.bare.toString());
      git(work, "init", "--quiet", "--initial-branch=main");
      git(work, "add", "--all");
      git(work, "-c", "user.name=test", "-c", "user.email=test@localhost", "commit", "--quiet", "-m", "initial");
      git(work, "push", "--quiet", r.bare.toString(), "main");
      Path hook = r.bare.resolve("hooks").resolve("pre-receive");
      Files.writeString(hook, """
          #!/bin/sh
          # Holds the first update of an integration branch (a master's merge) while %1$s exists.
          while read old new ref; do
            case "$ref" in
              refs/heads/baton/*/integration)
                if [ "$old" != "%2$s" ] && rm "%1$s" 2>/dev/null; then
                  touch "%3$s"
                  while [ ! -e "%4$s" ]; do sleep 0.05; done
                fi;;
            esac
          done
          exit 0
          """.formatted(r.armed, ZERO, r.held, r.released));
      Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
      if (arm) {
        Files.createFile(r.armed);
      }
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url() {
    return "file://" + bare;
  }

  /** True once a merge's push is being held. */
  boolean holding() {
    return Files.exists(held);
  }

  /** Lets a held push (if its process still lives) go on. */
  void release() {
    try {
      Files.writeString(released, "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code git --git-dir <bare> args...}: its stdout. */
  String git(String... args) {
    List<String> command = new ArrayList<>(List.of("--git-dir", bare.toString()));
    command.addAll(List.of(args));
    return git(bare.getParent(), command.toArray(String[]::new));
  }

  private static String git(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    ProcessRun r = ProcessRun.exec(command, Duration.ofSeconds(30));
    assertThat(r.exitCode()).as("%s\n%s", command, r).isZero();
    return r.stdout();
  }
}
