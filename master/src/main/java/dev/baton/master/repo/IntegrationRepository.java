package dev.baton.master.repo;

import dev.baton.runtime.git.BranchNames;
import dev.baton.runtime.git.Git;
import dev.baton.runtime.git.GitException;
import dev.baton.runtime.git.RepositoryCache;
import dev.baton.runtime.git.RepositoryLocks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The master's repository of a plan: where the tasks' branches are merged into the plan's
 * integration branch ({@link BranchNames#integration}).
 *
 * <p>Either the bare repository the master serves itself ({@link #served}), or the master's bare
 * cache of a remote ({@link #cacheOf}), after each change of which the branch is pushed to the remote.
 * Merges never touch a worktree: {@code git merge-tree --write-tree} merges in the object store, and
 * {@code commit-tree} plus a compare-and-swap {@code update-ref} move the branch. Every mutation runs
 * under the repository's lock ({@link RepositoryLocks}) and every git call under the git's timeout.
 */
public final class IntegrationRepository {
  /** How a task's commits reach the integration branch. */
  public enum Strategy {
    /** A merge commit with the integration head and the task's commit as parents. */
    MERGE,
    /** The task's first-parent commits replayed one by one onto the integration head: linear history. */
    REBASE
  }

  /** The previous head of a moved-back integration branch, and the branch that keeps it. */
  public record Reset(String previousHead, String preservedBranch) {}

  /** One commit of the integration branch's first-parent history. */
  public record LogEntry(String commit, String subject, String author, Instant time) {}

  /** Bytes of a file {@link #readFile} reads at most. */
  public static final int READ_LIMIT_BYTES = 4 * 1024 * 1024;

  private final Path directory;
  private final Git git;
  // Null for the served repository: there is no remote to push to.
  private final String remoteUrl;
  private final RepositoryCache cache;

  private IntegrationRepository(Path directory, Git git, String remoteUrl, RepositoryCache cache) {
    this.directory = directory.toAbsolutePath().normalize();
    this.git = Objects.requireNonNull(git, "git");
    this.remoteUrl = remoteUrl;
    this.cache = cache;
  }

  /** The served bare repository itself: branches are updated in place and nothing is pushed. */
  public static IntegrationRepository served(Path bareRepository, Git git) {
    return new IntegrationRepository(bareRepository, git, null, null);
  }

  /** The master's bare cache of {@code remoteUrl} under {@code cacheRoot}, cloned on first use. */
  public static IntegrationRepository cacheOf(Path cacheRoot, String remoteUrl, Git git)
      throws GitException {
    RepositoryCache cache = new RepositoryCache(cacheRoot, git);
    return new IntegrationRepository(cache.open(remoteUrl), git, remoteUrl, cache);
  }

  public Path directory() {
    return directory;
  }

  /**
   * Creates the plan's integration branch at the head of {@code baseBranch} and returns its commit;
   * when the branch exists returns its head unchanged. A cache takes the remote's branch when the
   * remote has one, over what the cache kept: masters lead a plan in turn, each pushing to the
   * remote, so a master leading it again would otherwise go on from its own stale head (or from a
   * merge it made but never pushed, dying), and its next push would be refused.
   */
  public String createIntegrationBranch(String planId, String baseBranch) throws GitException {
    String branch = BranchNames.integration(planId);
    return RepositoryLocks.mutate(directory, () -> {
      if (remoteUrl != null
          && !git.run(directory, "ls-remote", "origin", "refs/heads/" + branch).isBlank()) {
        git.run(directory, "fetch", "--no-tags", "--quiet", "origin",
            "+refs/heads/" + branch + ":refs/heads/" + branch);
        return resolve("refs/heads/" + branch).orElseThrow();
      }
      Optional<String> existing = resolve("refs/heads/" + branch);
      if (existing.isPresent()) {
        return existing.get();
      }
      String base = baseHead(baseBranch);
      git.run(directory, "update-ref", "-m", "baton: integration branch of " + planId,
          "refs/heads/" + branch, base, "");
      push(List.of("refs/heads/" + branch + ":refs/heads/" + branch));
      return base;
    });
  }

  /** The commit {@code branch} points at. */
  public String head(String branch) throws GitException {
    return resolve("refs/heads/" + branch).orElseThrow(() -> new GitException(
        "branch " + branch + " does not exist in " + directory));
  }

  /**
   * Merges {@code taskCommit} into the plan's integration branch. {@code message} and
   * {@code trailers} make the merge commit's message (MERGE); a rebase keeps each replayed commit's
   * author and message. Nothing moves on a conflict. A commit already in the branch is a no-op.
   */
  public MergeResult merge(String planId, String taskId, String taskCommit, Strategy strategy,
      String message, Map<String, String> trailers) throws GitException {
    String ref = "refs/heads/" + BranchNames.integration(planId);
    BranchNames.id(taskId, "task id");
    return RepositoryLocks.mutate(directory, () -> {
      String head = resolve(ref).orElseThrow(() -> new GitException("plan " + planId
          + " has no integration branch in " + directory + " (create it first)"));
      ensureCommit(taskCommit);
      if (git.tryRun(directory, "merge-base", "--is-ancestor", taskCommit, head).ok()) {
        return new MergeResult.Merged(head);
      }
      MergeResult result = strategy == Strategy.MERGE
          ? mergeCommit(head, taskCommit, commitMessage(message, trailers))
          : rebase(head, taskCommit);
      if (result instanceof MergeResult.Merged merged) {
        move(ref, merged.mergeCommit(), head);
      }
      return result;
    });
  }

  /**
   * Moves the plan's integration branch back to {@code commit} (one of its ancestors), keeping the
   * abandoned head reachable on {@code baton/<plan>/rolled-back/<n>}.
   */
  public Reset resetTo(String planId, String commit) throws GitException {
    String branch = BranchNames.integration(planId);
    String ref = "refs/heads/" + branch;
    return RepositoryLocks.mutate(directory, () -> {
      String head = resolve(ref).orElseThrow(() -> new GitException("plan " + planId
          + " has no integration branch in " + directory));
      String target = resolve(commit).orElseThrow(() -> new GitException("commit " + commit
          + " is not in " + directory));
      if (target.equals(head)) {
        return new Reset(head, "");
      }
      if (!git.tryRun(directory, "merge-base", "--is-ancestor", target, head).ok()) {
        throw new GitException("cannot move " + branch + " back to " + target
            + ": it is not an ancestor of the branch's head " + head);
      }
      int n = 1;
      while (resolve("refs/heads/" + BranchNames.rolledBack(planId, n)).isPresent()) {
        n++;
      }
      String preserved = BranchNames.rolledBack(planId, n);
      git.run(directory, "update-ref", "-m", "baton: rolled back from " + branch,
          "refs/heads/" + preserved, head, "");
      git.run(directory, "update-ref", "-m", "baton: roll back to " + target, ref, target, head);
      push(List.of("refs/heads/" + preserved + ":refs/heads/" + preserved, "+" + ref + ":" + ref));
      return new Reset(head, preserved);
    });
  }

  /** A file at {@code commit}, empty when it is not there; a GitException past {@link #READ_LIMIT_BYTES}. */
  public Optional<String> readFile(String commit, String path) throws GitException {
    String object = commit + ":" + path;
    Git.Result size = git.tryRun(directory, "cat-file", "-s", object);
    if (!size.ok()) {
      return Optional.empty();
    }
    long bytes = Long.parseLong(size.firstLine());
    if (bytes > READ_LIMIT_BYTES) {
      throw new GitException("'" + path + "' is " + bytes + " bytes at " + commit
          + " (expected: at most " + READ_LIMIT_BYTES + " to read it)");
    }
    return Optional.of(git.run(directory, "cat-file", "blob", object));
  }

  /** Entries {@link #log(String)} returns at most. */
  public static final int DEFAULT_LOG_LIMIT = 1000;

  /** The first-parent history of {@code branch}, newest first: one line per merged task. */
  public List<LogEntry> log(String branch) throws GitException {
    return log(branch, DEFAULT_LOG_LIMIT);
  }

  /** The first-parent history of {@code branch}, newest first, at most {@code limit} entries. */
  public List<LogEntry> log(String branch, int limit) throws GitException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    String out = git.run(directory, "log", "--first-parent", "-z", "--max-count=" + limit,
        "--format=%H%x1f%s%x1f%an <%ae>%x1f%ct", "refs/heads/" + branch, "--");
    List<LogEntry> entries = new ArrayList<>();
    for (String record : out.split("\0")) {
      String[] f = record.strip().split("\u001f", -1);
      if (f.length == 4) {
        entries.add(new LogEntry(f[0], f[1], f[2], Instant.ofEpochSecond(Long.parseLong(f[3]))));
      }
    }
    return entries;
  }

  // --- merging ---

  private MergeResult mergeCommit(String head, String taskCommit, String message) throws GitException {
    MergeTree merged = mergeTree(head, taskCommit);
    if (!merged.clean()) {
      return merged.conflicted();
    }
    String commit = commitTree(merged.tree(), List.of(head, taskCommit), message, Map.of());
    return new MergeResult.Merged(commit);
  }

  // merge-tree of git 2.39 has no --merge-base, so each commit c (first parent p) is replayed onto
  // `current` by merging c with a throwaway commit of current's tree whose parent is p: their merge
  // base is then p, which makes the merge a cherry-pick of c.
  private MergeResult rebase(String head, String taskCommit) throws GitException {
    String list = git.run(directory, "rev-list", "--reverse", "--first-parent", head + ".." + taskCommit);
    String current = head;
    for (String c : list.split("\n")) {
      if (c.isBlank()) {
        continue;
      }
      Optional<String> parent = resolve(c + "^1");
      if (parent.isEmpty()) {
        throw new GitException("cannot rebase root commit " + c + " onto " + head);
      }
      if (parent.get().equals(current)) {
        current = c; // already on top: keep the commit as it is
        continue;
      }
      String stand = commitTree(current + "^{tree}", List.of(parent.get()),
          "baton: stand-in for rebasing " + c + "\n", Map.of());
      MergeTree merged = mergeTree(stand, c);
      if (!merged.clean()) {
        return merged.conflicted();
      }
      String[] meta = git.run(directory, "log", "-1", "--format=%an%x00%ae%x00%ad", "--date=raw", c)
          .strip().split("\0", -1);
      String body = git.run(directory, "log", "-1", "--format=%B", c);
      current = commitTree(merged.tree(), List.of(current), body,
          Map.of("GIT_AUTHOR_NAME", meta[0], "GIT_AUTHOR_EMAIL", meta[1], "GIT_AUTHOR_DATE", meta[2]));
    }
    return new MergeResult.Merged(current);
  }

  private record MergeTree(String tree, MergeResult.Conflicted conflicted) {
    boolean clean() {
      return conflicted == null;
    }
  }

  private MergeTree mergeTree(String ours, String theirs) throws GitException {
    Git.Result result = git.exec(directory, List.of("merge-tree", "--write-tree", "-z",
        "--name-only", "--messages", ours, theirs), Map.of(), null);
    // Exit code 1 means conflicts (the tree is still written); anything else is a failure.
    if ((result.exitCode() != 0 && result.exitCode() != 1) || result.truncated()) {
      Git.check(result.exitCode() == 1
          ? new Git.Result(result.command(), 0, result.stdout(), true, result.stderr())
          : result);
    }
    String[] fields = result.out().split("\0", -1);
    String tree = fields[0];
    if (result.exitCode() == 0) {
      return new MergeTree(tree, null);
    }
    Map<String, List<String>> reasons = new LinkedHashMap<>();
    int i = 1;
    for (; i < fields.length && !fields[i].isEmpty(); i++) {
      reasons.putIfAbsent(fields[i], new ArrayList<>());
    }
    i++; // the empty field between the conflicted paths and the messages
    // Messages: <count> NUL <path>... NUL <type> NUL <message> NUL
    while (i < fields.length && !fields[i].isEmpty()) {
      int count = Integer.parseInt(fields[i]);
      List<String> paths = List.of(fields).subList(i + 1, i + 1 + count);
      String type = fields[i + 1 + count];
      String message = fields[i + 2 + count].strip();
      if (type.startsWith("CONFLICT")) {
        for (String p : paths) {
          if (reasons.containsKey(p)) {
            reasons.get(p).add(message);
          }
        }
      }
      i += 3 + count;
    }
    List<MergeResult.ConflictFile> files = new ArrayList<>();
    for (Map.Entry<String, List<String>> file : reasons.entrySet()) {
      ConflictHunks.Found found = hunks(tree, file.getKey());
      files.add(new MergeResult.ConflictFile(file.getKey(), file.getValue(), found.hunks(),
          found.omitted()));
    }
    return new MergeTree(tree, new MergeResult.Conflicted(files));
  }

  private ConflictHunks.Found hunks(String tree, String path) throws GitException {
    Optional<String> text;
    try {
      text = readFile(tree, path);
    } catch (GitException tooLarge) {
      return new ConflictHunks.Found(List.of(), 0);
    }
    if (text.isEmpty() || text.get().indexOf('\0') >= 0) {
      return new ConflictHunks.Found(List.of(), 0);
    }
    return ConflictHunks.parse(text.get());
  }

  private String commitTree(String tree, List<String> parents, String message, Map<String, String> env)
      throws GitException {
    List<String> args = new ArrayList<>(List.of("commit-tree", tree));
    for (String parent : parents) {
      args.add("-p");
      args.add(parent);
    }
    args.add("-F");
    args.add("-");
    return Git.check(git.exec(directory, args, env, message.getBytes(StandardCharsets.UTF_8)))
        .firstLine();
  }

  private static String commitMessage(String message, Map<String, String> trailers) {
    String subject = message == null || message.isBlank() ? "Merge task" : message.strip();
    StringBuilder text = new StringBuilder(subject).append("\n");
    if (!trailers.isEmpty()) {
      text.append("\n");
      trailers.forEach((k, v) -> text.append(k.strip()).append(": ")
          .append(v == null ? "" : v.strip().replace('\n', ' ')).append('\n'));
    }
    return text.toString();
  }

  // --- refs and the remote ---

  private void move(String ref, String newValue, String oldValue) throws GitException {
    // compare-and-swap: fails if anything moved the branch since `oldValue` was read
    git.run(directory, "update-ref", "-m", "baton: merge", ref, newValue, oldValue);
    try {
      push(List.of(ref + ":" + ref));
    } catch (GitException e) {
      git.tryRun(directory, "update-ref", "-m", "baton: push failed, undo", ref, oldValue, newValue);
      throw e;
    }
  }

  private void push(List<String> refspecs) throws GitException {
    if (remoteUrl == null) {
      return;
    }
    List<String> args = new ArrayList<>(List.of("push", "--quiet", "--no-verify", "origin"));
    args.addAll(refspecs);
    git.run(directory, args);
  }

  private void ensureCommit(String commit) throws GitException {
    if (RepositoryCache.hasCommit(git, directory, commit)) {
      return;
    }
    if (cache == null) {
      throw new GitException("commit " + commit + " is not in " + directory
          + " (was the task's branch pushed?)");
    }
    cache.ensureCommit(remoteUrl, commit);
  }

  private String baseHead(String baseBranch) throws GitException {
    if (remoteUrl != null) {
      git.run(directory, "fetch", "--no-tags", "--quiet", "origin",
          "+refs/heads/" + baseBranch + ":refs/remotes/origin/" + baseBranch);
      return resolve("refs/remotes/origin/" + baseBranch).orElseThrow();
    }
    return resolve("refs/heads/" + baseBranch).orElseThrow(() -> new GitException(
        "base branch " + baseBranch + " does not exist in " + directory));
  }

  private Optional<String> resolve(String revision) throws GitException {
    Git.Result r = git.tryRun(directory, "rev-parse", "--verify", "--quiet", revision + "^{commit}");
    return r.ok() ? Optional.of(r.firstLine()) : Optional.empty();
  }
}
