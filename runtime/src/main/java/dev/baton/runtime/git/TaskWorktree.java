package dev.baton.runtime.git;

import dev.baton.runtime.droid.Workspaces;
import dev.baton.runtime.server.BatonException;
import dev.baton.v1.FileStat;
import dev.baton.v1.GitResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One attempt's worktree, made by {@link TaskWorkspaces#prepare}. */
final class TaskWorktree implements PreparedWorkspace {
  private static final Logger log = LoggerFactory.getLogger(TaskWorktree.class);
  private static final Pattern TRAILER_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*");
  /** Files larger than this are not read into memory by {@link #readFile}. */
  static final int READ_LIMIT_BYTES = 4 * 1024 * 1024;

  private final TaskWorkspaces owner;
  private final Git git;
  private final Path cacheDir;
  private final Path path;
  private final String branch;
  private final String baseCommit;
  private final List<String> excluded;
  /** The delegating master's epoch, sent with the push (0: none). */
  private final long masterEpoch;
  // Set by publish; read by readFile from whichever thread asks.
  private volatile String publishedHead;
  private boolean released;

  TaskWorktree(TaskWorkspaces owner, Git git, Path cacheDir, Path path, String branch,
      String baseCommit, List<String> copiedFiles, long masterEpoch) {
    this.masterEpoch = masterEpoch;
    this.owner = owner;
    this.git = git;
    this.cacheDir = cacheDir;
    this.path = path;
    this.branch = branch;
    this.baseCommit = baseCommit;
    List<String> ex = new ArrayList<>();
    ex.add(".baton");
    ex.addAll(copiedFiles);
    this.excluded = List.copyOf(ex);
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public String baseCommit() {
    return baseCommit;
  }

  /** The task branch this worktree pushes. */
  public String branch() {
    return branch;
  }

  @Override
  public synchronized GitResult publish(String subject, Map<String, String> trailers)
      throws GitException {
    // A merge remediation: the paths git left conflicted must not reach a commit with markers in them.
    List<String> conflicted = List.of(git.run(path, "diff", "--name-only", "--diff-filter=U").split("\n")).stream()
        .filter(p -> !p.isBlank()).toList();
    for (String p : conflicted) {
      Path file = path.resolve(p);
      try {
        if (Files.isRegularFile(file) && Files.readAllLines(file, StandardCharsets.UTF_8).stream()
            .anyMatch(line -> line.startsWith("<<<<<<< ") || line.startsWith(">>>>>>> "))) {
          throw new GitException("conflict markers left in " + p
              + " (expected: every <<<<<<< ... >>>>>>> block resolved before the work is committed)");
        }
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        // not text: git's own merge state decides below
      }
    }
    git.run(path, "add", "--all", "--", ".");
    // Copied set-up files (.env...) never go into a commit, even when the repository does not
    // ignore them. Unstaged after the fact: `add` refuses an exclude pathspec naming an ignored path.
    List<String> unstage = new ArrayList<>(List.of("reset", "--quiet", "--"));
    excluded.forEach(p -> unstage.add(":(literal)" + p));
    git.run(path, unstage);
    boolean staged = !git.tryRun(path, "diff", "--cached", "--quiet").ok();
    if (staged) {
      git.exec(path, List.of("commit", "--quiet", "--no-verify", "-F", "-"), Map.of(),
          message(subject, trailers).getBytes(StandardCharsets.UTF_8));
      // exec does not check the exit code: a failed commit leaves HEAD where it was, named below.
      if (!git.tryRun(path, "diff", "--cached", "--quiet").ok()) {
        throw new GitException("`git commit` in " + path + " left staged changes uncommitted");
      }
    }
    String head = git.run(path, "rev-parse", "--verify", "HEAD^{commit}").strip();
    GitResult.Builder result = GitResult.newBuilder()
        .setTaskBranch(branch)
        .setCommit(head)
        .setBaseCommit(baseCommit);
    int insertions = 0;
    int deletions = 0;
    for (FileStat stat : numstat(git.run(path, "diff", "--numstat", "-z", "-M", baseCommit, head))) {
      result.addFiles(stat);
      insertions += stat.getInsertions();
      deletions += stat.getDeletions();
    }
    // Force: a retry of the task rewrites its branch from the base again.
    // The master's epoch rides along: its git server refuses a push meant for a newer leader.
    List<String> push = new ArrayList<>();
    if (masterEpoch > 0) {
      push.addAll(List.of("-c", "http.extraHeader=" + dev.baton.runtime.server.MasterEpoch.PUSH_HEADER + ": " + masterEpoch));
    }
    push.addAll(List.of("push", "--quiet", "--force", "--no-verify", "origin", "HEAD:refs/heads/" + branch));
    git.run(path, push.toArray(String[]::new));
    publishedHead = head;
    return result.setInsertions(insertions).setDeletions(deletions).setPushed(true).build();
  }

  @Override
  public Optional<String> readFile(String relativePath) throws GitException {
    Path file;
    try {
      file = Workspaces.inside(path, relativePath, "file");
    } catch (BatonException e) {
      throw new GitException(e.getMessage(), e);
    }
    String head = publishedHead;
    if (head != null) {
      String relative = path.relativize(file).toString();
      String object = head + ":" + relative;
      Git.Result size = git.tryRun(path, "cat-file", "-s", object);
      if (!size.ok()) {
        return Optional.empty();
      }
      long bytes = Long.parseLong(size.firstLine());
      if (bytes > READ_LIMIT_BYTES) {
        throw new GitException("'" + relativePath + "' is " + bytes + " bytes at " + head
            + " (expected: at most " + READ_LIMIT_BYTES + " to read it)");
      }
      return Optional.of(git.run(path, "cat-file", "blob", object));
    }
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    if (!Workspaces.reallyInside(path, file)) {
      throw new GitException("'" + relativePath + "' is a symbolic link out of the worktree (expected: a file"
          + " inside it; links are not followed out of a task's worktree)");
    }
    try {
      long bytes = Files.size(file);
      if (bytes > READ_LIMIT_BYTES) {
        throw new GitException("'" + relativePath + "' is " + bytes + " bytes (expected: at most "
            + READ_LIMIT_BYTES + " to read it)");
      }
      return Optional.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new GitException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void release(boolean succeeded) {
    if (released) {
      return;
    }
    released = true;
    boolean dirty;
    try {
      dirty = owner.dirty(path, excluded);
    } catch (GitException e) {
      log.warn("cannot tell whether worktree {} is clean, keeping it: {}", path, e.getMessage());
      dirty = true;
    }
    if (succeeded && !dirty) {
      try {
        owner.removeWorktree(cacheDir, path);
        String head = publishedHead;
        if (head != null) {
          // The branch is on the remote; the cache need not keep its own copy. Deleted only while
          // it is still this attempt's head, so a later attempt's branch is never lost.
          RepositoryLocks.mutate(cacheDir, () ->
              git.tryRun(cacheDir, "update-ref", "-d", "refs/heads/" + branch, head));
        }
        return;
      } catch (GitException e) {
        log.warn("cannot remove worktree {}, keeping it for the sweep: {}", path, e.getMessage());
      }
    }
    owner.keep(cacheDir, path, excluded);
  }

  /** The pathspecs that leave {@code paths} out of {@code add} and {@code status}. */
  static List<String> excludes(List<String> paths) {
    List<String> specs = new ArrayList<>(paths.size());
    for (String p : paths) {
      specs.add(":(exclude,literal)" + p);
    }
    return specs;
  }

  static String message(String subject, Map<String, String> trailers) {
    String first = subject == null ? "" : subject.strip().replace('\r', ' ').replace('\n', ' ');
    StringBuilder text = new StringBuilder(first.isEmpty() ? "Baton: task work" : first);
    if (!trailers.isEmpty()) {
      text.append("\n\n");
      for (Map.Entry<String, String> trailer : trailers.entrySet()) {
        if (!TRAILER_KEY.matcher(trailer.getKey()).matches()) {
          throw new IllegalArgumentException("trailer key: '" + trailer.getKey()
              + "' (expected: letters, digits and '-', like Baton-Task)");
        }
        String value = trailer.getValue() == null ? "" : trailer.getValue().strip()
            .replace('\r', ' ').replace('\n', ' ');
        text.append(trailer.getKey()).append(": ").append(value).append('\n');
      }
    }
    return text.append('\n').toString();
  }

  /** Parses {@code git diff --numstat -z}: {@code ins TAB del TAB path NUL}, or for a rename {@code ins TAB del TAB NUL old NUL new NUL}. */
  static List<FileStat> numstat(String output) {
    List<FileStat> stats = new ArrayList<>();
    String[] fields = output.split("\0", -1);
    for (int i = 0; i < fields.length; i++) {
      String field = fields[i];
      if (field.isEmpty()) {
        continue;
      }
      String[] parts = field.split("\t", 3);
      if (parts.length < 3) {
        continue;
      }
      String filePath = parts[2];
      if (filePath.isEmpty() && i + 2 < fields.length) {
        filePath = fields[i + 2]; // a rename: old path, then new path
        i += 2;
      }
      boolean binary = parts[0].equals("-");
      stats.add(FileStat.newBuilder()
          .setPath(filePath)
          .setBinary(binary)
          .setInsertions(binary ? 0 : Integer.parseInt(parts[0]))
          .setDeletions(binary ? 0 : Integer.parseInt(parts[1]))
          .build());
    }
    return stats;
  }
}
