package dev.baton.runtime.git;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the git command line: an argv, a working directory, a timeout and a bounded capture of the
 * output. Native git rather than JGit because JGit has no {@code worktree add}, no sparse checkout,
 * and is far slower on large repositories.
 *
 * <p>Every command runs with {@code GIT_TERMINAL_PROMPT=0} (a remote that wants a password fails
 * instead of waiting for a keyboard), {@code LC_ALL=C} (messages we parse are not translated), the
 * variables that would point git at another repository removed, and the settings that change what a
 * command does given with {@code -c} (identity, line endings, signing, conflict style), so the
 * operator's global configuration can still supply credentials and ssh but cannot change results.
 * Standard error goes to a temporary file and only its last lines are kept.
 */
public final class Git {
  /** Time a git command may take before it and its children are killed. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
  /** Bytes of standard output captured; more is read and dropped ({@link Result#truncated()}). */
  public static final int DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
  /** Identity of the commits Baton makes. */
  public static final String DEFAULT_NAME = "Baton";
  public static final String DEFAULT_EMAIL = "baton@localhost";

  private static final int STDERR_TAIL_LINES = 12;
  private static final int STDERR_TAIL_BYTES = 8 * 1024;
  private static final List<String> REPOSITORY_VARIABLES =
      List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
          "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_PREFIX",
          "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT");
  private static final List<String> FIXED_CONFIG =
      List.of("core.autocrlf=false", "core.quotepath=false", "commit.gpgsign=false",
          "tag.gpgsign=false", "merge.conflictStyle=merge", "advice.detachedHead=false",
          "init.defaultBranch=main", "protocol.version=2");

  // Kills commands past their timeout; one daemon thread for the whole process, never blocking.
  private static final ScheduledExecutorService KILLER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "git-timeout");
            t.setDaemon(true);
            return t;
          });

  private final String executable;
  private final Duration timeout;
  private final int maxOutputBytes;
  private final String name;
  private final String email;
  /** TLS for https remotes (a master's git server), or null: git's own settings. */
  private final GitTls tls;

  /** Git from the PATH with the default timeout, output bound and identity. */
  public Git() {
    this("git", DEFAULT_TIMEOUT, DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_NAME, DEFAULT_EMAIL);
  }

  public Git(String executable, Duration timeout, int maxOutputBytes, String name, String email) {
    this(executable, timeout, maxOutputBytes, name, email, null);
  }

  private Git(String executable, Duration timeout, int maxOutputBytes, String name, String email, GitTls tls) {
    this.tls = tls;
    this.executable = Objects.requireNonNull(executable, "executable");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
    if (maxOutputBytes < 1) {
      throw new IllegalArgumentException("maxOutputBytes: " + maxOutputBytes + " (expected: >= 1)");
    }
    this.maxOutputBytes = maxOutputBytes;
    this.name = requireText(name, "name");
    this.email = requireText(email, "email");
  }

  /** This git with another timeout. */
  public Git withTimeout(Duration newTimeout) {
    return new Git(executable, newTimeout, maxOutputBytes, name, email, tls);
  }

  /** This git committing as another identity. */
  public Git withIdentity(String newName, String newEmail) {
    return new Git(executable, timeout, maxOutputBytes, newName, newEmail, tls);
  }

  /**
   * This git presenting {@code tls}'s client certificate to https remotes and verifying them against
   * its CA bundle (plus the JDK's public roots): what a master's git server asks of orchestrators
   * when the mesh runs TLS. Null: git's own settings.
   */
  public Git withTls(GitTls newTls) {
    return new Git(executable, timeout, maxOutputBytes, name, email, newTls);
  }

  public Duration timeout() {
    return timeout;
  }

  public String name() {
    return name;
  }

  public String email() {
    return email;
  }

  /** Runs {@code git args} in {@code dir}; its standard output, or a {@link GitException} on a non-zero exit. */
  public String run(Path dir, String... args) throws GitException {
    return run(dir, Arrays.asList(args));
  }

  public String run(Path dir, List<String> args) throws GitException {
    return check(exec(dir, args, Map.of(), null)).out();
  }

  /** Runs and returns the result whatever the exit code; throws only when git could not finish. */
  public Result tryRun(Path dir, String... args) throws GitException {
    return exec(dir, Arrays.asList(args), Map.of(), null);
  }

  /** The result, or a {@link GitException} naming the command when it exited non-zero or was cut. */
  public static Result check(Result result) throws GitException {
    if (!result.ok()) {
      throw new GitException(
          "`" + String.join(" ", result.command()) + "` exited with code " + result.exitCode()
              + (result.stderr().isBlank() ? "" : ": " + result.stderr().strip()),
          result.command(), result.exitCode(), result.stderr(), null);
    }
    if (result.truncated()) {
      throw new GitException(
          "`" + String.join(" ", result.command()) + "` wrote more than " + result.stdout().length
              + " bytes of output (the bound of captured output)",
          result.command(), result.exitCode(), result.stderr(), null);
    }
    return result;
  }

  /**
   * Runs {@code git args} in {@code dir} with extra environment variables and, when not null, bytes
   * on standard input (meant for small inputs such as a commit message: they are written before the
   * output is read).
   *
   * @throws GitException when git cannot start or does not finish within the timeout
   */
  public Result exec(Path dir, List<String> args, Map<String, String> env, byte[] stdin)
      throws GitException {
    List<String> argv = new ArrayList<>();
    argv.add(executable);
    argv.add("-c");
    argv.add("user.name=" + name);
    argv.add("-c");
    argv.add("user.email=" + email);
    for (String setting : FIXED_CONFIG) {
      argv.add("-c");
      argv.add(setting);
    }
    argv.addAll(args);
    List<String> shown = new ArrayList<>(args.size() + 1);
    shown.add("git");
    shown.addAll(args);

    Path stderrFile;
    try {
      stderrFile = Files.createTempFile("baton-git-", ".err");
    } catch (IOException e) {
      throw new GitException("cannot create a temporary file for git's stderr: " + e.getMessage(), e);
    }
    try {
      ProcessBuilder builder =
          new ProcessBuilder(argv)
              .directory(dir.toFile())
              .redirectError(stderrFile.toFile())
              .redirectInput(
                  stdin == null
                      ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                      : ProcessBuilder.Redirect.PIPE);
      Map<String, String> environment = builder.environment();
      REPOSITORY_VARIABLES.forEach(environment::remove);
      environment.put("GIT_TERMINAL_PROMPT", "0");
      environment.put("LC_ALL", "C");
      environment.put("LANGUAGE", "C");
      if (tls != null) {
        environment.putAll(tls.environment());
      }
      environment.putAll(env);
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new GitException("cannot start `" + String.join(" ", shown) + "` in " + dir + ": "
            + e.getMessage(), shown, GitException.NO_EXIT_CODE, "", e);
      }
      AtomicBoolean killed = new AtomicBoolean();
      ScheduledFuture<?> killer =
          KILLER.schedule(() -> {
            killed.set(true);
            kill(process);
          }, timeout.toMillis(), TimeUnit.MILLISECONDS);
      try {
        if (stdin != null) {
          try (OutputStream in = process.getOutputStream()) {
            in.write(stdin);
          } catch (IOException e) {
            // git exited without reading all of it; its exit code says why.
          }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean truncated = readBounded(process.getInputStream(), out, maxOutputBytes);
        int exitCode = waitFor(process);
        if (killed.get()) {
          String tail = tail(stderrFile);
          throw new GitException("`" + String.join(" ", shown) + "` in " + dir + " timed out after "
              + timeout.toSeconds() + "s and was killed"
              + (tail.isBlank() ? "" : ": " + tail.strip()),
              shown, GitException.NO_EXIT_CODE, tail, null);
        }
        return new Result(shown, exitCode, out.toByteArray(), truncated, tail(stderrFile));
      } finally {
        killer.cancel(false);
        if (process.isAlive()) {
          kill(process);
        }
      }
    } finally {
      try {
        Files.deleteIfExists(stderrFile);
      } catch (IOException ignored) {
        // a leftover temporary file is harmless
      }
    }
  }

  private static int waitFor(Process process) throws GitException {
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(process);
      throw new GitException("interrupted while waiting for git", e);
    }
  }

  private static boolean readBounded(InputStream in, ByteArrayOutputStream out, int limit)
      throws GitException {
    byte[] buffer = new byte[64 * 1024];
    boolean truncated = false;
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        int keep = Math.min(n, limit - out.size());
        if (keep > 0) {
          out.write(buffer, 0, keep);
        }
        if (keep < n) {
          truncated = true;
        }
      }
    } catch (IOException e) {
      throw new GitException("cannot read git's output: " + e.getMessage(), e);
    }
    return truncated;
  }

  // Children first: once git is gone its children can no longer be listed.
  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static String tail(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      int from = Math.max(0, bytes.length - STDERR_TAIL_BYTES);
      String text = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
      String[] lines = text.split("\n");
      int first = Math.max(0, lines.length - STDERR_TAIL_LINES);
      return String.join("\n", Arrays.asList(lines).subList(first, lines.length));
    } catch (IOException e) {
      return "";
    }
  }

  private static String requireText(String value, String what) {
    if (value == null || value.isBlank() || value.contains("\n") || value.contains("<")
        || value.contains(">")) {
      throw new IllegalArgumentException(what + ": '" + value
          + "' (expected: a non-blank single line without '<' or '>')");
    }
    return value;
  }

  /** What a git command did. */
  public record Result(List<String> command, int exitCode, byte[] stdout, boolean truncated, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** Standard output as UTF-8 text. */
    public String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    /** Standard output's first line, stripped (an object id, a ref). */
    public String firstLine() {
      String text = out();
      int newline = text.indexOf('\n');
      return (newline < 0 ? text : text.substring(0, newline)).strip();
    }
  }
}
