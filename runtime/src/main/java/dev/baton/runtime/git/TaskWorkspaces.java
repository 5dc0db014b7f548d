package dev.baton.runtime.git;

import dev.baton.runtime.containment.Containments;
import dev.baton.runtime.containment.ProcessContainment;
import dev.baton.v1.RepositoryCheckout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worktrees for task attempts, added from one bare cache per remote ({@link RepositoryCache}).
 *
 * <p>Layout under {@link Settings#root()}: {@code caches/} holds the bare caches,
 * {@code worktrees/<plan>/<task>-a<attempt>} the worktrees, and a kept worktree has a sidecar
 * {@code <task>-a<attempt>.kept} (when it was kept, its cache, the paths it must not commit), so a
 * restarted sub-orchestrator still sweeps what an earlier one kept.
 *
 * <p>Only {@code git worktree add --no-checkout} runs under the cache's lock (it writes the cache's
 * config and worktree list); the checkout of the files, which takes long on a large repository,
 * runs in the new worktree outside the lock, so parallel prepares overlap.
 */
public final class TaskWorkspaces implements WorkspaceProvider {
  private static final Logger log = LoggerFactory.getLogger(TaskWorkspaces.class);
  static final String KEPT_SUFFIX = ".kept";

  /**
   * Where worktrees live and how long they are kept.
   *
   * @param root directory of the caches and worktrees (outside any repository)
   * @param retention how long a failed or cancelled attempt's worktree is kept for inspection before a
   *     sweep removes it; default {@link #DEFAULT_RETENTION}
   * @param maxKeptBytes bound of the disk use of kept worktrees, in bytes: past it a sweep removes the
   *     oldest kept ones first; default {@link #DEFAULT_MAX_KEPT_BYTES}
   * @param gitTimeout time one git command may take; default {@link Git#DEFAULT_TIMEOUT}
   * @param setupTimeout time the set-up command may take; default {@link #DEFAULT_SETUP_TIMEOUT}
   * @param filesDirectory where {@code copy_files} come from ({@code --repo-files}); null when none
   * @param authorName name of Baton's commits; default {@link Git#DEFAULT_NAME}
   * @param authorEmail e-mail of Baton's commits; default {@link Git#DEFAULT_EMAIL}
   */
  public record Settings(Path root, Duration retention, long maxKeptBytes, Duration gitTimeout,
      Duration setupTimeout, Path filesDirectory, String authorName, String authorEmail) {
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
    public static final long DEFAULT_MAX_KEPT_BYTES = 20L * 1024 * 1024 * 1024;
    public static final Duration DEFAULT_SETUP_TIMEOUT = Duration.ofMinutes(30);

    public Settings {
      Objects.requireNonNull(root, "root");
      root = root.toAbsolutePath().normalize();
      positive(retention, "retention");
      if (maxKeptBytes < 0) {
        throw new IllegalArgumentException("maxKeptBytes: " + maxKeptBytes + " (expected: >= 0)");
      }
      positive(gitTimeout, "gitTimeout");
      positive(setupTimeout, "setupTimeout");
      filesDirectory = filesDirectory == null ? null : filesDirectory.toAbsolutePath().normalize();
      Objects.requireNonNull(authorName, "authorName");
      Objects.requireNonNull(authorEmail, "authorEmail");
    }

    /** The defaults, under {@code root}. */
    public static Settings defaults(Path root) {
      return new Settings(root, DEFAULT_RETENTION, DEFAULT_MAX_KEPT_BYTES, Git.DEFAULT_TIMEOUT,
          DEFAULT_SETUP_TIMEOUT, null, Git.DEFAULT_NAME, Git.DEFAULT_EMAIL);
    }

    public Settings withRetention(Duration value) {
      return new Settings(root, value, maxKeptBytes, gitTimeout, setupTimeout, filesDirectory,
          authorName, authorEmail);
    }

    public Settings withMaxKeptBytes(long value) {
      return new Settings(root, retention, value, gitTimeout, setupTimeout, filesDirectory,
          authorName, authorEmail);
    }

    public Settings withGitTimeout(Duration value) {
      return new Settings(root, retention, maxKeptBytes, value, setupTimeout, filesDirectory,
          authorName, authorEmail);
    }

    public Settings withSetupTimeout(Duration value) {
      return new Settings(root, retention, maxKeptBytes, gitTimeout, value, filesDirectory,
          authorName, authorEmail);
    }

    public Settings withFilesDirectory(Path value) {
      return new Settings(root, retention, maxKeptBytes, gitTimeout, setupTimeout, value,
          authorName, authorEmail);
    }

    public Settings withAuthor(String name, String email) {
      return new Settings(root, retention, maxKeptBytes, gitTimeout, setupTimeout, filesDirectory,
          name, email);
    }

    private static void positive(Duration d, String what) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
      }
    }
  }

  /** Disk use of the worktrees: kept ones (released, waiting for a sweep) and active ones. */
  public record DiskUsage(long keptBytes, int keptCount, int activeCount) {}

  /** What a sweep did. */
  public record SweepReport(int removed, long freedBytes, int skippedDirty, long keptBytesAfter) {}

  private final Settings settings;
  private final Clock clock;
  private final Git git;
  private final RepositoryCache cache;
  private final ProcessContainment containment;

  /** The environment of set-up commands (the droid policy's), besides Baton's variables. */
  private final Map<String, String> environment;

  public TaskWorkspaces(Settings settings, Clock clock) {
    this(settings, clock, Containments.processTree());
  }

  /** @param containment what each set-up command runs in (the sub-orchestrator passes the one it detected) */
  public TaskWorkspaces(Settings settings, Clock clock, ProcessContainment containment) {
    this(settings, clock, containment, dev.baton.runtime.droid.RunOptions.defaults().environment(), null);
  }

  /**
   * @param environment what a set-up command gets besides Baton's variables (the droid policy's
   *     environment): nothing else of the sub-orchestrator's
   * @param tls what git presents to https remotes (the master's git server when the mesh runs TLS);
   *     null: git's own settings
   */
  public TaskWorkspaces(Settings settings, Clock clock, ProcessContainment containment,
      Map<String, String> environment, GitTls tls) {
    this.environment = Map.copyOf(environment);
    this.containment = Objects.requireNonNull(containment, "containment");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.git = new Git().withTimeout(settings.gitTimeout())
        .withIdentity(settings.authorName(), settings.authorEmail()).withTls(tls);
    this.cache = new RepositoryCache(settings.root().resolve("caches"), git);
  }

  public Settings settings() {
    return settings;
  }

  public RepositoryCache cache() {
    return cache;
  }

  /** {@code <root>/worktrees}. */
  public Path worktreesRoot() {
    return settings.root().resolve("worktrees");
  }

  @Override
  public PreparedWorkspace prepare(String planId, String taskId, int attempt,
      RepositoryCheckout checkout) throws GitException {
    String plan = BranchNames.id(planId, "plan id");
    String task = BranchNames.id(taskId, "task id");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt: " + attempt + " (expected: >= 1)");
    }
    String branch = checkout.getTaskBranch().isBlank()
        ? BranchNames.task(plan, task)
        : BranchNames.checkBatonBranch(checkout.getTaskBranch());
    String base = cache.ensureCommit(checkout.getUrl(), checkout.getBaseCommit());
    Path cacheDir = cache.pathFor(checkout.getUrl());
    // One path per task, whatever the attempt: an agent's session belongs to its working
    // directory (Claude Code keeps sessions per project path), so a retry that resumes the session
    // must run where the first attempt ran. An earlier attempt kept for inspection moves aside.
    Path worktree = worktreesRoot().resolve(plan).resolve(task);
    RepositoryLocks.mutate(cacheDir, () -> {
      if (Files.exists(worktree) || Files.exists(marker(worktree))) {
        int previous = attemptOf(worktree);
        if (previous > 0 && previous != attempt && Files.isDirectory(worktree)) {
          moveAside(cacheDir, worktree, worktree.resolveSibling(task + "-a" + previous));
        } else {
          removeWorktree(cacheDir, worktree); // the same attempt prepared again
        }
      }
      recordAttempt(worktree, attempt);
      detachOtherWorktrees(cacheDir, branch);
      try {
        Files.createDirectories(worktree.getParent());
      } catch (IOException e) {
        throw new GitException("cannot create " + worktree.getParent() + ": " + e.getMessage(), e);
      }
      git.run(cacheDir, "worktree", "add", "--quiet", "--no-checkout", "-B", branch,
          worktree.toString(), base);
      return null;
    });
    // Outside the lock: the checkout writes only this worktree's index and files.
    git.run(worktree, "reset", "--hard", "--quiet");
    mergeIn(checkout, worktree);
    Map<String, String> env = new java.util.LinkedHashMap<>(environment);
    env.putAll(Map.of(
        "BATON_PLAN_ID", plan, "BATON_TASK_ID", task, "BATON_ATTEMPT", Integer.toString(attempt),
        "BATON_WORKSPACE", worktree.toString()));
    List<String> copied = WorkspaceSetup.run(git, worktree, checkout.getSetup(),
        settings.filesDirectory(), settings.setupTimeout(), env, attempt, containment);
    return new TaskWorktree(this, git, cacheDir, worktree, branch, base, copied, checkout.getMasterEpoch());
  }

  /**
   * Merges the checkout's {@code merge_commits} into the fresh worktree without committing, leaving
   * their conflicts in the files: the droid of a merge remediation resolves them, and its commit
   * is the merge.
   */
  private void mergeIn(RepositoryCheckout checkout, Path worktree) throws GitException {
    for (String commit : checkout.getMergeCommitsList()) {
      String sha = cache.ensureCommit(checkout.getUrl(), commit);
      Git.Result merge = git.tryRun(worktree, "merge", "--no-commit", "--no-ff", "--quiet", sha);
      if (!merge.ok() && !Files.exists(gitPath(worktree, "MERGE_HEAD"))) {
        throw new GitException("cannot merge " + sha + " into the worktree: " + merge.stderr().strip());
      }
    }
  }

  /** A path inside the worktree's own git directory (for a linked worktree, not {@code .git/}). */
  private Path gitPath(Path worktree, String name) throws GitException {
    return worktree.resolve(git.run(worktree, "rev-parse", "--git-path", name).strip());
  }

  /** Bytes and count of the kept worktrees, and how many are in use. */
  public DiskUsage diskUsage() {
    List<Kept> kept = kept();
    long bytes = kept.stream().mapToLong(k -> FileTrees.size(k.worktree())).sum();
    int all = 0;
    for (Path planDir : list(worktreesRoot())) {
      for (Path entry : list(planDir)) {
        if (Files.isDirectory(entry)) {
          all++;
        }
      }
    }
    return new DiskUsage(bytes, kept.size(), Math.max(0, all - kept.size()));
  }

  /** {@link #sweep(boolean)} that leaves dirty worktrees alone. */
  public SweepReport sweep() {
    return sweep(false);
  }

  /**
   * Removes the kept worktrees older than the retention and then, while the kept ones use more than
   * {@link Settings#maxKeptBytes()}, the oldest kept ones first. A dirty worktree (changes nobody
   * committed) is skipped unless {@code removeDirty}.
   */
  public SweepReport sweep(boolean removeDirty) {
    Instant now = clock.instant();
    List<Kept> kept = new ArrayList<>(kept());
    kept.sort(Comparator.comparing(Kept::keptAt));
    int removed = 0;
    int skippedDirty = 0;
    long freed = 0;
    List<Kept> remaining = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    for (Kept k : kept) {
      long size = FileTrees.size(k.worktree());
      boolean expired = !k.keptAt().plus(settings.retention()).isAfter(now);
      if (expired) {
        if (!removeDirty && dirty(k)) {
          skippedDirty++;
        } else if (removeQuietly(k)) {
          removed++;
          freed += size;
          continue;
        }
      }
      remaining.add(k);
      sizes.add(size);
    }
    long total = sizes.stream().mapToLong(Long::longValue).sum();
    for (int i = 0; i < remaining.size() && total > settings.maxKeptBytes(); i++) {
      Kept k = remaining.get(i);
      if (!removeDirty && dirty(k)) {
        skippedDirty++;
        continue;
      }
      if (removeQuietly(k)) {
        removed++;
        freed += sizes.get(i);
        total -= sizes.get(i);
      }
    }
    return new SweepReport(removed, freed, skippedDirty, total);
  }

  // --- used by TaskWorktree ---

  Instant now() {
    return clock.instant();
  }

  /** The attempt a task's worktree was made for, or 0 when unknown. */
  private static int attemptOf(Path worktree) {
    try {
      return Integer.parseInt(Files.readString(attemptFile(worktree), StandardCharsets.UTF_8).strip());
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  private static void recordAttempt(Path worktree, int attempt) throws GitException {
    try {
      Files.createDirectories(worktree.getParent());
      Files.writeString(attemptFile(worktree), Integer.toString(attempt), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new GitException("cannot record the attempt of " + worktree + ": " + e.getMessage(), e);
    }
  }

  private static Path attemptFile(Path worktree) {
    return worktree.resolveSibling(worktree.getFileName() + ".attempt");
  }

  /** Moves a kept earlier attempt's worktree (and its kept record) to {@code aside}; under the cache's lock. */
  private void moveAside(Path cacheDir, Path worktree, Path aside) throws GitException {
    if (Files.exists(aside) || Files.exists(marker(aside))) {
      removeWorktree(cacheDir, aside);
    }
    git.run(cacheDir, "worktree", "move", worktree.toString(), aside.toString());
    try {
      if (Files.exists(marker(worktree))) {
        Files.move(marker(worktree), marker(aside));
      } else {
        // not released yet (a lost attempt): keep it for inspection like a failed one
        keep(cacheDir, aside, List.of());
      }
    } catch (IOException e) {
      throw new GitException("cannot move the kept record of " + worktree + ": " + e.getMessage(), e);
    }
  }

  static Path marker(Path worktree) {
    return worktree.resolveSibling(worktree.getFileName() + KEPT_SUFFIX);
  }

  /** Records that {@code worktree} is kept since now. */
  void keep(Path cacheDir, Path worktree, List<String> excluded) {
    StringBuilder text = new StringBuilder()
        .append(clock.instant().toEpochMilli()).append('\n')
        .append(cacheDir).append('\n');
    excluded.forEach(p -> text.append(p).append('\n'));
    try {
      Files.writeString(marker(worktree), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      log.warn("cannot record that worktree {} is kept ({}); it will not be swept", worktree,
          e.getMessage());
    }
  }

  /** Removes a worktree from disk and from its cache's list; under the cache's lock. */
  void removeWorktree(Path cacheDir, Path worktree) throws GitException {
    RepositoryLocks.mutate(cacheDir, () -> {
      if (Files.isDirectory(cacheDir)) {
        Git.Result removed = Files.exists(worktree)
            ? git.tryRun(cacheDir, "worktree", "remove", "--force", "--force", worktree.toString())
            : null;
        if (removed == null || !removed.ok()) {
          FileTrees.deleteQuietly(worktree);
          git.run(cacheDir, "worktree", "prune");
        }
      } else {
        FileTrees.deleteQuietly(worktree);
      }
      try {
        Files.deleteIfExists(marker(worktree));
        Files.deleteIfExists(attemptFile(worktree));
      } catch (IOException e) {
        throw new GitException("cannot delete " + marker(worktree) + ": " + e.getMessage(), e);
      }
      return null;
    });
  }

  /** Whether the worktree has changes or untracked files nobody committed (a read). */
  boolean dirty(Path worktree, List<String> excluded) throws GitException {
    List<String> args = new ArrayList<>(List.of("status", "--porcelain", "-z",
        "--untracked-files=normal", "--", "."));
    args.addAll(TaskWorktree.excludes(excluded));
    return !git.run(worktree, args).isEmpty();
  }

  // A worktree checked out on the branch elsewhere (an earlier attempt kept for inspection) is
  // detached, so this attempt can take the branch; its files and commits stay as they were.
  private void detachOtherWorktrees(Path cacheDir, String branch) throws GitException {
    String list = git.run(cacheDir, "worktree", "list", "--porcelain");
    String current = null;
    for (String line : list.split("\n")) {
      if (line.startsWith("worktree ")) {
        current = line.substring("worktree ".length());
      } else if (line.equals("branch refs/heads/" + branch) && current != null) {
        Path other = Path.of(current);
        if (Files.isDirectory(other)) {
          git.run(other, "checkout", "--quiet", "--detach");
        } else {
          git.run(cacheDir, "worktree", "prune");
        }
      }
    }
  }

  private record Kept(Path worktree, Path cacheDir, Instant keptAt, List<String> excluded) {}

  private List<Kept> kept() {
    List<Kept> kept = new ArrayList<>();
    for (Path planDir : list(worktreesRoot())) {
      for (Path entry : list(planDir)) {
        String name = entry.getFileName().toString();
        if (!name.endsWith(KEPT_SUFFIX)) {
          continue;
        }
        try {
          List<String> lines = Files.readAllLines(entry, StandardCharsets.UTF_8);
          Path worktree = entry.resolveSibling(name.substring(0, name.length() - KEPT_SUFFIX.length()));
          kept.add(new Kept(worktree, Path.of(lines.get(1)),
              Instant.ofEpochMilli(Long.parseLong(lines.get(0).strip())),
              List.copyOf(lines.subList(2, lines.size()))));
        } catch (IOException | RuntimeException e) {
          log.warn("ignoring unreadable kept-worktree record {}: {}", entry, e.getMessage());
        }
      }
    }
    return kept;
  }

  private boolean dirty(Kept k) {
    if (!Files.isDirectory(k.worktree())) {
      return false;
    }
    try {
      return dirty(k.worktree(), k.excluded());
    } catch (GitException e) {
      return false; // not a usable worktree any more: nothing in it can be recovered with git
    }
  }

  private boolean removeQuietly(Kept k) {
    try {
      removeWorktree(k.cacheDir(), k.worktree());
      return true;
    } catch (GitException e) {
      log.warn("sweep could not remove worktree {}: {}", k.worktree(), e.getMessage());
      return false;
    }
  }

  private static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(entries::add);
    } catch (IOException e) {
      log.warn("cannot list {}: {}", dir, e.getMessage());
    }
    entries.sort(Comparator.naturalOrder());
    return entries;
  }
}
