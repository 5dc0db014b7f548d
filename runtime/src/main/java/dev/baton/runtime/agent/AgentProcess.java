package dev.baton.runtime.agent;

import dev.baton.runtime.containment.Container;
import dev.baton.runtime.containment.ProcessContainment;
import dev.baton.runtime.text.Lines;
import dev.baton.runtime.droid.DroidOutcome;
import dev.baton.runtime.droid.DroidTask;
import dev.baton.runtime.droid.ProgressListener;
import dev.baton.runtime.droid.RunningDroid;
import dev.baton.runtime.droid.Workspaces;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.Deliverable;
import dev.baton.v1.DroidCompletion;
import dev.baton.v1.DroidEvent;
import dev.baton.v1.ExecutionIssue;
import dev.baton.v1.IssueSeverity;
import dev.baton.v1.Usage;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an agent CLI, shared by the CLI runners: starts the process in the task's workspace
 * with only the configured environment, writes the prompt to its stdin and closes it, feeds each
 * stdout line to the CLI's parser and the events to the listener, enforces the budgets, and ends
 * with a {@link DroidOutcome}.
 *
 * <p>Threads: a writer for stdin (a prompt larger than the pipe must not block the caller), a
 * reader for stdout (events are delivered from it alone, in order), and the process's exit
 * watcher, which ends the run once stdout is drained (or after the drain grace, when a leftover
 * child still holds the pipe). stdout and stderr are copied to log files, each up to a bound
 * (past it, only counted). The CLI runs in a {@link Container} of the runner's containment:
 * stopping (cancel, budget, wall time) kills the whole container, SIGTERM then SIGKILL after the
 * grace, and leaves the workspace as the agent left it; under a PID namespace or cgroup, what the
 * CLI leaves running when it exits is killed then, so no child holds stdout past the exit.
 */
final class AgentProcess implements RunningDroid {
  private static final Logger log = LoggerFactory.getLogger(AgentProcess.class);
  /** A stdout line longer than this is cut (and then kept raw, being no longer valid JSON). */
  static final int MAX_LINE_BYTES = 8 * 1024 * 1024;

  /** What a runner contributes: its name, the argv, the stdin text and its parser. */
  record Launch(String runner, List<String> argv, String stdin, AgentStreamParser parser) {
    Launch {
      Objects.requireNonNull(runner, "runner");
      argv = List.copyOf(argv);
      stdin = stdin == null ? "" : stdin;
      Objects.requireNonNull(parser, "parser");
    }
  }

  private enum StopKind { CANCELLED, BUDGET }

  private record Stop(StopKind kind, String message, String axis) {}

  private final DroidTask task;
  private final Launch launch;
  private final ProgressListener progress;
  private final AgentSettings settings;
  private final ScheduledExecutorService scheduler;
  private final Budgets budgets;
  private final Path workspace;
  private final Path stdoutLog;
  private final Path stderrLog;
  private final Container container;
  private final CompletableFuture<DroidOutcome> outcome = new CompletableFuture<>();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private final CompletableFuture<Void> stderrDrained = new CompletableFuture<>();
  // Guards the parser and the delivery of events: the reader parses, the exit watcher reads the result.
  private final Object parserLock = new Object();
  private Process process;
  private volatile long stdoutBytes;
  private volatile long stderrBytes;
  // Guarded by this.
  private Stop stop;
  private ScheduledFuture<?> wallTimer;
  private boolean closed;

  private AgentProcess(DroidTask task, Launch launch, ProgressListener progress, AgentSettings settings,
      ScheduledExecutorService scheduler, Path workspace, Container container) {
    this.task = task;
    this.container = container;
    this.launch = launch;
    this.progress = progress;
    this.settings = settings;
    this.scheduler = scheduler;
    this.budgets = Budgets.of(task.delegation().getBudget(), task.definition().budget());
    this.workspace = workspace;
    Path logDir = settings.logDir() != null ? settings.logDir() : workspace.resolve(".baton");
    String base = "agent-" + launch.runner() + "-" + safe(task.delegation().getTaskId()) + "-attempt-"
        + task.delegation().getAttempt();
    this.stdoutLog = logDir.resolve(base + ".jsonl");
    this.stderrLog = logDir.resolve(base + ".stderr.log");
  }

  /** The workspace a CLI runner needs, or a FAILED handle saying it is missing. */
  static Optional<RunningDroid> requireWorkspace(String runner, DroidTask task) {
    if (task.workspace() == null) {
      return Optional.of(finished(DroidOutcome.failed("runner " + runner
          + " needs a prepared workspace (the task's workspace is null; expected: a directory, a git worktree)")));
    }
    if (!Files.isDirectory(task.workspace())) {
      return Optional.of(finished(DroidOutcome.failed("runner " + runner + ": workspace " + task.workspace()
          + " is not a directory")));
    }
    return Optional.empty();
  }

  /** Starts the CLI; problems starting it end as a FAILED outcome, never an exception. */
  static RunningDroid start(DroidTask task, ProgressListener progress, AgentSettings settings,
      ScheduledExecutorService scheduler, Clock clock, ProcessContainment containment, Launch launch) {
    Optional<RunningDroid> missing = requireWorkspace(launch.runner(), task);
    if (missing.isPresent()) {
      return missing.get();
    }
    Path workspace = task.workspace().toAbsolutePath().normalize();
    AgentProcess run = new AgentProcess(task, launch, progress, settings, scheduler, workspace,
        containment.container());
    try {
      Files.createDirectories(run.stdoutLog.getParent());
      ProcessBuilder builder = new ProcessBuilder(launch.argv())
          .directory(workspace.toFile())
          .redirectError(ProcessBuilder.Redirect.PIPE)
          .redirectInput(ProcessBuilder.Redirect.PIPE)
          .redirectOutput(ProcessBuilder.Redirect.PIPE);
      Map<String, String> env = builder.environment();
      env.clear();
      env.putAll(settings.processEnvironment());
      env.put("BATON_PLAN_ID", task.delegation().getPlanId());
      env.put("BATON_TASK_ID", task.delegation().getTaskId());
      env.put("BATON_ATTEMPT", Integer.toString(task.delegation().getAttempt()));
      run.process = run.container.start(builder);
    } catch (IOException | RuntimeException e) {
      return finished(DroidOutcome.failed("cannot start " + launch.runner() + " ('" + launch.argv().get(0)
          + "'): " + e.getMessage() + " (install it on the sub-orchestrator's PATH, or point --" + launch.runner()
          + "-bin or $BATON_" + launch.runner().toUpperCase(java.util.Locale.ROOT) + "_BIN at it)"));
    }
    run.watch(clock);
    return run;
  }

  static RunningDroid finished(DroidOutcome result) {
    CompletableFuture<DroidOutcome> done = CompletableFuture.completedFuture(result);
    return new RunningDroid() {
      @Override
      public CompletableFuture<DroidOutcome> outcome() {
        return done;
      }

      @Override
      public void cancel(String reason) {}
    };
  }

  private void watch(Clock clock) {
    progress.progress(0, launch.runner() + " running as pid " + process.pid());
    String name = launch.runner() + "-" + task.delegation().getTaskId();
    Thread writer = new Thread(this::writeStdin, name + "-stdin");
    writer.setDaemon(true);
    writer.start();
    Thread reader = new Thread(this::readStdout, name + "-stdout");
    reader.setDaemon(true);
    reader.start();
    Thread errors = new Thread(this::copyStderr, name + "-stderr");
    errors.setDaemon(true);
    errors.start();
    budgets.wallLimit(task.delegation().hasDeadline() ? task.delegation().getDeadline() : null, clock)
        .ifPresent(limit -> {
          synchronized (this) {
            wallTimer = scheduler.schedule(() -> stop(new Stop(StopKind.BUDGET, limit.overrun().message(), "wall")),
                limit.after().toMillis(), TimeUnit.MILLISECONDS);
          }
        });
    process.onExit().whenComplete((p, error) ->
        CompletableFuture.allOf(drained, stderrDrained)
            .completeOnTimeout(null, settings.drainGrace().toMillis(), TimeUnit.MILLISECONDS)
            .whenComplete((v, e) -> exited()));
  }

  private void writeStdin() {
    try (OutputStream in = process.getOutputStream()) {
      in.write(launch.stdin().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The CLI exited (or closed stdin) before reading the whole prompt: its exit tells why.
    }
  }

  private void readStdout() {
    try (InputStream in = new BufferedInputStream(process.getInputStream());
        OutputStream logOut = Files.newOutputStream(stdoutLog, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      boolean cut = false;
      int b;
      while ((b = in.read()) != -1) {
        stdoutBytes++;
        if (stdoutBytes <= settings.logLimitBytes()) {
          logOut.write(b);
        }
        if (b == '\n') {
          deliverLine(line, cut);
          line.reset();
          cut = false;
        } else if (line.size() < MAX_LINE_BYTES) {
          line.write(b);
        } else {
          cut = true;
        }
      }
      if (line.size() > 0) {
        deliverLine(line, cut);
      }
    } catch (IOException e) {
      // The pipe broke (the tree was killed): the events so far stand.
    } finally {
      synchronized (parserLock) {
        deliver(launch.parser().endOfStream());
      }
      drained.complete(null);
    }
  }

  /** Copies stderr to its log, up to the log limit; the rest is only counted. */
  private void copyStderr() {
    try (InputStream in = process.getErrorStream();
        OutputStream logOut = Files.newOutputStream(stderrLog, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) != -1) {
        long room = settings.logLimitBytes() - stderrBytes;
        if (room > 0) {
          logOut.write(buffer, 0, (int) Math.min(n, room));
          logOut.flush();
        }
        stderrBytes += n;
      }
    } catch (IOException e) {
      // The pipe broke (the tree was killed): what was copied stands.
    } finally {
      stderrDrained.complete(null);
    }
  }

  private void deliverLine(ByteArrayOutputStream line, boolean cut) {
    String text = decode(line.toByteArray());
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    synchronized (parserLock) {
      deliver(launch.parser().parse(cut ? text + " [line cut at " + MAX_LINE_BYTES + " bytes]" : text));
    }
  }

  // Called with parserLock held, from the reader thread only: events stay in order.
  private void deliver(List<DroidEvent> events) {
    for (DroidEvent event : events) {
      synchronized (this) {
        if (closed) {
          return;
        }
      }
      try {
        progress.event(event);
        if (event.hasToolCall()) {
          progress.progress(fraction(), "tool " + event.getToolCall().getName());
        }
      } catch (RuntimeException e) {
        log.warn("the progress listener of task {} failed on an event; the run goes on",
            task.delegation().getTaskId(), e);
      }
      if (event.hasUsage()) {
        budgets.check(event.getUsage()).ifPresent(o -> stop(new Stop(StopKind.BUDGET, o.message(), o.axis())));
      }
    }
  }

  private double fraction() {
    int maxTurns = task.definition().maxTurns();
    return maxTurns > 0 ? Math.min(0.99, launch.parser().usage().getTurns() / (double) maxTurns) : 0;
  }

  @Override
  public void cancel(String reason) {
    stop(new Stop(StopKind.CANCELLED, "cancelled: " + reason, ""));
  }

  private void stop(Stop why) {
    synchronized (this) {
      if (stop != null || closed) {
        return;
      }
      stop = why;
    }
    log.info("stopping {} for task {} (pid {}): {}", launch.runner(), task.delegation().getTaskId(), process.pid(),
        why.message());
    container.kill(settings.killGrace(), scheduler);
  }

  @Override
  public CompletableFuture<DroidOutcome> outcome() {
    return outcome;
  }

  private void exited() {
    Stop why;
    synchronized (this) {
      closed = true;
      why = stop;
      if (wallTimer != null) {
        wallTimer.cancel(false);
      }
    }
    try {
      Usage usage;
      String session;
      Optional<DroidCompletion> completion;
      String lastError;
      synchronized (parserLock) {
        usage = launch.parser().usage();
        session = launch.parser().sessionId();
        completion = launch.parser().completion();
        lastError = launch.parser().lastError();
      }
      outcome.complete(result(process.exitValue(), why, usage, session, completion, lastError));
    } catch (RuntimeException e) {
      outcome.complete(DroidOutcome.failed(launch.runner() + " runner could not read its result: " + e));
    }
  }

  private DroidOutcome result(int exitCode, Stop why, Usage usage, String session,
      Optional<DroidCompletion> completion, String lastError) {
    String runner = launch.runner();
    String stderr = tail(stderrLog, settings.outputTailBytes());
    DelegationStatus status;
    String message;
    String axis = "";
    if (why != null && why.kind() == StopKind.CANCELLED) {
      status = DelegationStatus.DELEGATION_STATUS_CANCELLED;
      message = why.message();
    } else if (why != null) {
      status = DelegationStatus.DELEGATION_STATUS_FAILED;
      message = why.message() + "; " + runner + " was stopped";
      axis = why.axis();
    } else if (completion.isEmpty()) {
      status = DelegationStatus.DELEGATION_STATUS_FAILED;
      message = runner + " exited with code " + exitCode + " without a completion"
          + (lastError.isBlank() ? Lines.lastAsDetail(stderr) : ": " + Lines.firstAsDetail(lastError).substring(2));
    } else if (completion.get().getIsError()) {
      status = DelegationStatus.DELEGATION_STATUS_FAILED;
      message = runner + " reported an error" + Lines.firstAsDetail(completion.get().getResult())
          + (exitCode != 0 ? " (exit code " + exitCode + ")" : "");
    } else if (exitCode != 0) {
      status = DelegationStatus.DELEGATION_STATUS_FAILED;
      message = runner + " exited with code " + exitCode
          + (lastError.isBlank() ? Lines.lastAsDetail(stderr) : ": " + Lines.firstAsDetail(lastError).substring(2));
    } else {
      status = DelegationStatus.DELEGATION_STATUS_SUCCEEDED;
      message = runner + " finished" + Lines.firstAsDetail(completion.get().getResult());
    }
    List<ExecutionIssue> issues = new ArrayList<>();
    List<Deliverable> deliverables = new ArrayList<>();
    if (status == DelegationStatus.DELEGATION_STATUS_SUCCEEDED) {
      deliverables.addAll(Workspaces.expected(workspace, task.delegation(), issues));
    } else {
      issues.add(DroidOutcome.issue(status == DelegationStatus.DELEGATION_STATUS_CANCELLED
          ? IssueSeverity.ISSUE_SEVERITY_WARNING : IssueSeverity.ISSUE_SEVERITY_ERROR, message));
    }
    String result = completion.map(DroidCompletion::getResult).orElse("");
    String outputTail = stderr.isEmpty() ? result
        : result + (result.isEmpty() ? "" : "\n") + "--- stderr (tail) ---\n" + stderr;
    long errBytes = Math.max(stderrBytes, stderrLog.toFile().length());
    return new DroidOutcome(status, message, deliverables, issues, why != null ? -1 : exitCode,
        stdoutBytes + errBytes, stdoutBytes > settings.logLimitBytes() || errBytes > settings.outputTailBytes(),
        outputTail, usage, session, axis);
  }

  private static String safe(String id) {
    return id.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  static String decode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** At most {@code limit} bytes from the end of the file. */
  static String tail(Path file, int limit) {
    File f = file.toFile();
    if (!f.isFile()) {
      return "";
    }
    try (RandomAccessFile raf = new RandomAccessFile(f, "r")) {
      long size = raf.length();
      int length = (int) Math.min(size, limit);
      byte[] bytes = new byte[length];
      raf.seek(size - length);
      raf.readFully(bytes);
      return decode(bytes);
    } catch (IOException e) {
      return "";
    }
  }
}
