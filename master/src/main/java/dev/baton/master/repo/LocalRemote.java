package dev.baton.master.repo;

import dev.baton.runtime.git.Git;
import dev.baton.runtime.git.GitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The bare repository {@code baton demo --repo PATH} and {@code baton up --repo PATH} work on, made
 * under the run directory from a local directory: a git repository is cloned bare (its branches as
 * committed; uncommitted changes stay behind), a plain directory is imported as one commit on
 * {@code main}.
 *
 * <p>A plain directory is imported without writing to it: {@code add} and {@code write-tree} run
 * with the new bare repository as git directory, the plain directory as work tree and a temporary
 * index, so the operator's directory does not gain a {@code .git}. Its {@code .gitignore} files apply.
 */
public final class LocalRemote {
  private LocalRemote() {}

  /**
   * Creates {@code <runDirectory>/repos/<name>.git} from {@code source} (or {@code <name>-2.git}...
   * when that exists) and returns its path.
   */
  public static Path create(Path source, Path runDirectory, Git git) throws GitException {
    Path from = source.toAbsolutePath().normalize();
    if (!Files.isDirectory(from)) {
      throw new GitException("--repo " + source + " is not a directory (expected: a git repository"
          + " or a plain directory to import)");
    }
    String name = from.getFileName() == null ? "repo"
        : from.getFileName().toString().replaceAll("\\.git$", "").replaceAll("[^A-Za-z0-9._-]", "_");
    if (name.isEmpty() || name.startsWith(".")) {
      name = "repo" + name;
    }
    Path repos = runDirectory.toAbsolutePath().normalize().resolve("repos");
    Path target = repos.resolve(name + ".git");
    // Another import of the same name (another directory, or an earlier master on this git dir) is
    // left as it was: this one takes the next free name.
    for (int n = 2; Files.exists(target); n++) {
      if (n > 1_000) {
        throw new GitException(repos + " holds 1,000 imports named " + name + " (expected: remove old ones)");
      }
      target = repos.resolve(name + "-" + n + ".git");
    }
    try {
      Files.createDirectories(target.getParent());
    } catch (IOException e) {
      throw new GitException("cannot create " + target.getParent() + ": " + e.getMessage(), e);
    }
    if (isRepository(from)) {
      git.run(target.getParent(), "clone", "--bare", "--quiet", from.toString(), target.toString());
      return target;
    }
    git.run(target.getParent(), "init", "--bare", "--quiet", "--initial-branch=main", target.toString());
    Path index = target.resolve("baton-import.index");
    Map<String, String> env = Map.of(
        "GIT_DIR", target.toString(), "GIT_WORK_TREE", from.toString(), "GIT_INDEX_FILE", index.toString());
    Git.check(git.exec(from, java.util.List.of("add", "--all", "."), env, null));
    String tree = Git.check(git.exec(from, java.util.List.of("write-tree"), env, null)).firstLine();
    String commit = Git.check(git.exec(target, java.util.List.of("commit-tree", tree, "-m",
        "Import of " + from.getFileName()), Map.of(), null)).firstLine();
    git.run(target, "update-ref", "refs/heads/main", commit, "");
    git.run(target, "symbolic-ref", "HEAD", "refs/heads/main");
    try {
      Files.deleteIfExists(index);
    } catch (IOException e) {
      // a leftover index file in the bare repository is harmless
    }
    return target;
  }

  private static boolean isRepository(Path dir) {
    return Files.exists(dir.resolve(".git"))
        || (Files.isRegularFile(dir.resolve("HEAD")) && Files.isDirectory(dir.resolve("objects")));
  }
}
