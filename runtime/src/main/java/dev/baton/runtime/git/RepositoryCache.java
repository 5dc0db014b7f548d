package dev.baton.runtime.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One local bare clone per remote URL, so a large repository is cloned once per machine and every
 * task's worktree is added from it ({@code git worktree add}) instead of cloning again.
 *
 * <p>A cache lives at {@code <root>/<last-segment>-<hash of the URL>.git}. It is created on first use
 * ({@code init --bare}, the remote, one fetch of every branch into {@code refs/remotes/origin/*}),
 * built beside its final name and renamed into place so a crash never leaves half a cache. Fetched
 * branches go to {@code refs/remotes/origin/*} rather than {@code refs/heads/*}: the worktrees' task
 * branches live in {@code refs/heads/baton/...} of the cache, and git refuses to fetch into a branch
 * checked out in a worktree.
 *
 * <p>When a task needs a commit the cache lacks, it fetches that commit by id (protocol v2 and
 * {@code uploadpack.allowReachableSHA1InWant} servers allow it) and, when the server refuses, every
 * branch (the plan's {@code baton/*} branches and the base branch among them). Mutations of one cache
 * are serialised ({@link RepositoryLocks}).
 */
public final class RepositoryCache {
  private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
  private static final String ALL_BRANCHES = "+refs/heads/*:refs/remotes/origin/*";

  private final Path root;
  private final Git git;

  public RepositoryCache(Path root, Git git) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    this.git = Objects.requireNonNull(git, "git");
  }

  public Path root() {
    return root;
  }

  /** Where the cache of {@code url} lives, whether or not it exists yet. */
  public Path pathFor(String url) {
    String trimmed = requireUrl(url).replaceAll("[/\\\\]+$", "");
    String last = trimmed.substring(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf(':')) + 1)
        .replaceAll("\\.git$", "")
        .replaceAll("[^A-Za-z0-9._-]", "_");
    if (last.isEmpty() || last.startsWith(".")) {
      last = "repo" + last;
    }
    if (last.length() > 40) {
      last = last.substring(0, 40);
    }
    return root.resolve(last + "-" + sha256(url).substring(0, 16) + ".git");
  }

  /** The cache of {@code url}, created (cloned) when it does not exist yet. */
  public Path open(String url) throws GitException {
    Path cache = pathFor(url);
    if (isRepository(cache)) {
      return cache;
    }
    return RepositoryLocks.mutate(cache, () -> {
      if (!isRepository(cache)) {
        create(url, cache);
      }
      return cache;
    });
  }

  /**
   * Makes sure the cache of {@code url} holds {@code commitish} and returns its commit id:
   * an object id is fetched only when missing; a branch name is always fetched (it may have moved).
   */
  public String ensureCommit(String url, String commitish) throws GitException {
    Path cache = open(url);
    if (commitish == null || commitish.isBlank()) {
      throw new GitException("no commit given for " + url + " (expected: a commit id or a branch name)");
    }
    String wanted = commitish.strip();
    if (OBJECT_ID.matcher(wanted).matches()) {
      if (hasCommit(git, cache, wanted)) {
        return wanted;
      }
      return RepositoryLocks.mutate(cache, () -> {
        if (hasCommit(git, cache, wanted)) {
          return wanted; // another task fetched it while we waited
        }
        Git.Result byId = git.tryRun(cache, "fetch", "--no-tags", "--quiet", "origin", wanted);
        if (!byId.ok() || !hasCommit(git, cache, wanted)) {
          git.run(cache, "fetch", "--no-tags", "--prune", "--quiet", "origin", ALL_BRANCHES);
        }
        if (!hasCommit(git, cache, wanted)) {
          throw new GitException("commit " + wanted + " is not at " + url
              + " (fetched it by id" + (byId.ok() ? "" : ", which the server refused: "
              + byId.stderr().strip()) + ", and every branch)");
        }
        return wanted;
      });
    }
    String branch = wanted.startsWith("refs/heads/") ? wanted.substring("refs/heads/".length()) : wanted;
    return RepositoryLocks.mutate(cache, () -> {
      git.run(cache, "fetch", "--no-tags", "--quiet", "origin",
          "+refs/heads/" + branch + ":refs/remotes/origin/" + branch);
      return git.run(cache, "rev-parse", "--verify", "--quiet",
          "refs/remotes/origin/" + branch + "^{commit}").strip();
    });
  }

  /** Whether {@code repository} has {@code commit} (a read: no lock). */
  public static boolean hasCommit(Git git, Path repository, String commit) throws GitException {
    return git.tryRun(repository, "cat-file", "-e", commit + "^{commit}").ok();
  }

  private void create(String url, Path cache) throws GitException {
    Path building = cache.resolveSibling(cache.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(root);
      git.run(root, "init", "--bare", "--quiet", building.toString());
      git.run(building, "config", "remote.origin.url", absoluteIfLocal(url));
      git.run(building, "config", "remote.origin.fetch", ALL_BRANCHES);
      // What Baton itself writes into a worktree (the droid's logs) is never part of a task's commit.
      Files.createDirectories(building.resolve("info"));
      Files.writeString(building.resolve("info").resolve("exclude"),
          "# written by Baton: its logs in a task's worktree are not the task's work\n/.baton/\n",
          StandardCharsets.UTF_8);
      git.run(building, "fetch", "--no-tags", "--quiet", "origin");
      Files.move(building, cache, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new GitException("cannot create the cache of " + url + " at " + cache + ": " + e.getMessage(), e);
    } finally {
      FileTrees.deleteQuietly(building);
    }
  }

  // A relative path would be read relative to the cache, not to where the operator meant it.
  private static String absoluteIfLocal(String url) {
    String u = url.strip();
    if (u.contains("://") || u.matches("[^/]+:.*")) {
      return u;
    }
    return Path.of(u).toAbsolutePath().normalize().toString();
  }

  private static boolean isRepository(Path dir) {
    return Files.isRegularFile(dir.resolve("HEAD")) && Files.isDirectory(dir.resolve("objects"));
  }

  private static String requireUrl(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("url: '" + url + "' (expected: a git remote URL or path)");
    }
    return url.strip();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.strip().getBytes(StandardCharsets.UTF_8)))
          .toLowerCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
