package dev.baton.runtime.git;

import dev.baton.runtime.containment.Container;
import dev.baton.runtime.containment.ProcessContainment;
import dev.baton.runtime.droid.Workspaces;
import dev.baton.runtime.server.BatonException;
import dev.baton.v1.RepositorySetup;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Brings a fresh worktree to where a droid can work in it: a new worktree has no submodules, none of
 * the files git ignores ({@code .env}) and no installed dependencies.
 *
 * <p>In order: {@code git submodule update --init --recursive}; the listed files copied from the
 * operator's files directory (relative paths, each resolved inside both directories); the set-up
 * command with {@code /bin/sh -c} in the worktree, bounded by a timeout, its output in
 * {@code .baton/setup-attempt-N.log} (which git ignores through the cache's {@code info/exclude}),
 * in a container of its own ({@link ProcessContainment}) that is killed whole on the timeout.
 */
final class WorkspaceSetup {
  private WorkspaceSetup() {}

  /** Runs the set-up; returns the copied paths (kept out of the task's commits). */
  static List<String> run(Git git, Path worktree, RepositorySetup setup, Path filesDirectory,
      Duration commandTimeout, Map<String, String> env, int attempt, ProcessContainment containment)
      throws GitException {
    if (setup.getSubmodules()) {
      // Submodules of a local path or file:// URL are refused by default since git 2.38.1; the
      // operator chose this repository, so its submodules are trusted like it.
      git.run(worktree, "-c", "protocol.file.allow=always", "submodule", "update", "--init",
          "--recursive", "--quiet");
    }
    List<String> copied = new ArrayList<>();
    for (String relative : setup.getCopyFilesList()) {
      copy(filesDirectory, worktree, relative);
      copied.add(relative);
    }
    if (!setup.getCommand().isBlank()) {
      command(worktree, setup.getCommand(), commandTimeout, env, attempt, containment);
    }
    return copied;
  }

  private static void copy(Path filesDirectory, Path worktree, String relative) throws GitException {
    if (filesDirectory == null) {
      throw new GitException("setup copy_files lists '" + relative
          + "' but this sub-orchestrator has no files directory (start it with --repo-files DIR)");
    }
    Path source;
    Path target;
    try {
      source = Workspaces.inside(filesDirectory, relative, "setup copy_files");
      target = Workspaces.inside(worktree, relative, "setup copy_files");
    } catch (BatonException e) {
      throw new GitException(e.getMessage(), e);
    }
    if (!Files.exists(source)) {
      throw new GitException("setup copy_files: '" + relative + "' is not in the files directory "
          + filesDirectory.toAbsolutePath().normalize() + " (expected: a file or directory there)");
    }
    try {
      if (Files.isDirectory(source)) {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
            Files.createDirectories(target.resolve(source.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            Files.copy(file, target.resolve(source.relativize(file).toString()),
                StandardCopyOption.REPLACE_EXISTING);
            return FileVisitResult.CONTINUE;
          }
        });
      } else {
        Files.createDirectories(target.getParent());
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new GitException("setup copy_files: cannot copy '" + relative + "' into " + worktree
          + ": " + e.getMessage(), e);
    }
  }

  private static void command(Path worktree, String command, Duration timeout,
      Map<String, String> env, int attempt, ProcessContainment containment) throws GitException {
    Path log = worktree.resolve(".baton").resolve("setup-attempt-" + attempt + ".log");
    Container container = containment.container();
    Process process;
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command)
          .directory(worktree.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      // Only what the caller gives (the droid policy's environment and Baton's variables).
      builder.environment().clear();
      builder.environment().putAll(env);
      builder.environment().put("GIT_TERMINAL_PROMPT", "0");
      process = container.start(builder);
    } catch (IOException e) {
      throw new GitException("cannot start the setup command `" + command + "`: " + e.getMessage(), e);
    }
    boolean finished;
    try {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    }
    if (!finished) {
      container.killNow();
      throw new GitException("setup command `" + command + "` did not finish within "
          + timeout.toSeconds() + "s and was killed (its output: " + log + ")");
    }
    if (process.exitValue() != 0) {
      throw new GitException("setup command `" + command + "` exited with code "
          + process.exitValue() + lastLines(log) + " (its output: " + log + ")");
    }
  }

  private static String lastLines(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      List<String> tail = lines.subList(Math.max(0, lines.size() - 5), lines.size());
      return tail.isEmpty() ? "" : ": " + String.join("\n", tail).strip();
    } catch (IOException e) {
      return "";
    }
  }
}
