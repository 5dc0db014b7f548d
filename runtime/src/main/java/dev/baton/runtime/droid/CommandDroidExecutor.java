package dev.baton.runtime.droid;

import dev.baton.runtime.containment.Container;
import dev.baton.runtime.containment.Containments;
import dev.baton.runtime.containment.ProcessContainment;
import dev.baton.runtime.text.Lines;
import dev.baton.v1.CommandSpec;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.Deliverable;
import dev.baton.v1.ExecutionIssue;
import dev.baton.v1.IssueSeverity;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command droid: runs the task's {@code run} with {@code /bin/sh -c} in its workspace, bounded by
 * a timeout, and reports the exit code, the tail of the output and the expected deliverables it finds.
 *
 * <p>Output goes to a log file in the workspace ({@code .baton/output-attempt-N.log}) rather than a
 * pipe: a background grandchild that keeps a pipe open would otherwise block the reader long after
 * the shell exited, and the log stays for a person to read. Only the tail is kept in memory.
 * The command runs in a {@link Container} of the executor's {@link ProcessContainment}: on cancel
 * or timeout the whole container is killed, and what the command leaves running when it exits is
 * killed then too (except under the process-tree fallback).
 */
public final class CommandDroidExecutor implements DroidExecutor {
  private static final Logger log = LoggerFactory.getLogger(CommandDroidExecutor.class);

  /** Bytes of output kept in the result: the tail. */
  public static final int DEFAULT_OUTPUT_TAIL_BYTES = 64 * 1024;
  /** Time between SIGTERM and SIGKILL when killing a tree. */
  public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(2);

  private final Path workspaceRoot;
  private final Duration defaultTimeout;
  private final Duration killGrace;
  private final int outputTailBytes;
  private final ScheduledExecutorService scheduler;
  private final ProcessContainment containment;

  /** With the plain process-tree kill; the sub-orchestrator passes the containment it detected. */
  public CommandDroidExecutor(
      Path workspaceRoot, Duration defaultTimeout, ScheduledExecutorService scheduler) {
    this(workspaceRoot, defaultTimeout, DEFAULT_KILL_GRACE, DEFAULT_OUTPUT_TAIL_BYTES, scheduler,
        Containments.processTree());
  }

  public CommandDroidExecutor(
      Path workspaceRoot, Duration defaultTimeout, ScheduledExecutorService scheduler,
      ProcessContainment containment) {
    this(workspaceRoot, defaultTimeout, DEFAULT_KILL_GRACE, DEFAULT_OUTPUT_TAIL_BYTES, scheduler, containment);
  }

  public CommandDroidExecutor(
      Path workspaceRoot,
      Duration defaultTimeout,
      Duration killGrace,
      int outputTailBytes,
      ScheduledExecutorService scheduler) {
    this(workspaceRoot, defaultTimeout, killGrace, outputTailBytes, scheduler, Containments.processTree());
  }

  public CommandDroidExecutor(
      Path workspaceRoot,
      Duration defaultTimeout,
      Duration killGrace,
      int outputTailBytes,
      ScheduledExecutorService scheduler,
      ProcessContainment containment) {
    this.containment = Objects.requireNonNull(containment, "containment");
    this.workspaceRoot = Objects.requireNonNull(workspaceRoot, "workspaceRoot");
    this.defaultTimeout = Objects.requireNonNull(defaultTimeout, "defaultTimeout");
    this.killGrace = Objects.requireNonNull(killGrace, "killGrace");
    if (outputTailBytes < 1) {
      throw new IllegalArgumentException("outputTailBytes: " + outputTailBytes + " (expected: >= 1)");
    }
    this.outputTailBytes = outputTailBytes;
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  @Override
  public RunningDroid start(DroidTask task, ProgressListener progress) {
    DelegationPackage delegation = task.delegation();
    CommandSpec spec = delegation.getCommand();
    if (spec.getRun().isBlank()) {
      return finished(DroidOutcome.failed("command droid got an empty `run` (expected: a shell command)"));
    }
    Path workspace;
    Path logFile;
    Container container = containment.container();
    Process process;
    try {
      workspace = task.workspace() != null
          ? task.workspace()
          : Workspaces.resolve(workspaceRoot, delegation, spec.getWorkspace());
      logFile = workspace.resolve(".baton").resolve("output-attempt-" + delegation.getAttempt() + ".log");
      Files.createDirectories(logFile.getParent());
      ProcessBuilder builder =
          new ProcessBuilder("/bin/sh", "-c", spec.getRun())
              .directory(workspace.toFile())
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      // Only the policy's environment: nothing else of the sub-orchestrator's (its keys) leaks.
      Map<String, String> env = builder.environment();
      task.options().applyTo(env);
      env.put("BATON_PLAN_ID", delegation.getPlanId());
      env.put("BATON_TASK_ID", delegation.getTaskId());
      env.put("BATON_ATTEMPT", Integer.toString(delegation.getAttempt()));
      env.put("BATON_DROID", task.droid());
      env.put("BATON_WORKSPACE", workspace.toString());
      // The policy's network switch: the container cuts it, or refuses to start when it cannot.
      process = container.network(task.options().network()).start(builder);
    } catch (IOException | RuntimeException e) {
      return finished(DroidOutcome.failed("cannot start the command: " + e.getMessage()));
    }
    Duration timeout =
        spec.getTimeoutMillis() > 0 ? Duration.ofMillis(spec.getTimeoutMillis()) : defaultTimeout;
    CommandRun run = new CommandRun(task, container, process, workspace, logFile, timeout);
    progress.progress(0, "running `" + oneLine(spec.getRun()) + "` as pid " + process.pid());
    run.watch();
    return run;
  }

  private static RunningDroid finished(DroidOutcome outcome) {
    CompletableFuture<DroidOutcome> done = CompletableFuture.completedFuture(outcome);
    return new RunningDroid() {
      @Override
      public CompletableFuture<DroidOutcome> outcome() {
        return done;
      }

      @Override
      public void cancel(String reason) {}
    };
  }

  private static String oneLine(String command) {
    String line = command.strip().replace('\n', ' ');
    return line.length() > 80 ? line.substring(0, 77) + "..." : line;
  }

  private final class CommandRun implements RunningDroid {
    private final DroidTask task;
    private final Container container;
    private final Process process;
    private final Path workspace;
    private final Path logFile;
    private final Duration timeout;
    private final CompletableFuture<DroidOutcome> outcome = new CompletableFuture<>();
    private ScheduledFuture<?> timeoutKill;
    // Why the tree was killed; null while nobody asked. Guarded by this.
    private String killedBecause;
    private boolean timedOut;

    CommandRun(DroidTask task, Container container, Process process, Path workspace, Path logFile,
        Duration timeout) {
      this.task = task;
      this.container = container;
      this.process = process;
      this.workspace = workspace;
      this.logFile = logFile;
      this.timeout = timeout;
    }

    void watch() {
      synchronized (this) {
        timeoutKill = scheduler.schedule(this::onTimeout, timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      process.onExit().whenComplete((p, error) -> exited());
    }

    private void onTimeout() {
      synchronized (this) {
        if (killedBecause != null || !process.isAlive()) {
          return;
        }
        timedOut = true;
        killedBecause = "timeout";
      }
      log.info("task {} timed out after {}; killing the container of pid {} ({})",
          task.delegation().getTaskId(), timeout, process.pid(), containment.name());
      container.kill(killGrace, scheduler);
    }

    @Override
    public void cancel(String reason) {
      synchronized (this) {
        if (killedBecause != null || outcome.isDone()) {
          return;
        }
        killedBecause = "cancelled: " + reason;
      }
      container.kill(killGrace, scheduler);
    }

    @Override
    public CompletableFuture<DroidOutcome> outcome() {
      return outcome;
    }

    private void exited() {
      String because;
      boolean wasTimeout;
      synchronized (this) {
        if (timeoutKill != null) {
          timeoutKill.cancel(false);
        }
        because = killedBecause;
        wasTimeout = timedOut;
      }
      try {
        outcome.complete(result(process.exitValue(), because, wasTimeout));
      } catch (RuntimeException e) {
        outcome.complete(DroidOutcome.failed("command droid could not read its result: " + e));
      }
    }

    private DroidOutcome result(int exitCode, String because, boolean wasTimeout) {
      Tail tail = tail(logFile, outputTailBytes);
      List<ExecutionIssue> issues = new ArrayList<>();
      List<Deliverable> deliverables = new ArrayList<>();
      DelegationStatus status;
      String message;
      if (wasTimeout) {
        status = DelegationStatus.DELEGATION_STATUS_FAILED;
        message = "command timed out after " + describe(timeout)
            + " and its process tree was killed (raise the task's timeout if it needs longer)";
      } else if (because != null) {
        status = DelegationStatus.DELEGATION_STATUS_CANCELLED;
        message = because;
      } else if (exitCode != 0) {
        status = DelegationStatus.DELEGATION_STATUS_FAILED;
        message = "command exited with code " + exitCode + Lines.lastAsDetail(tail.text());
      } else {
        status = DelegationStatus.DELEGATION_STATUS_SUCCEEDED;
        message = "command exited with code 0";
      }
      IssueSeverity severity =
          switch (status) {
            case DELEGATION_STATUS_FAILED -> IssueSeverity.ISSUE_SEVERITY_ERROR;
            case DELEGATION_STATUS_CANCELLED -> IssueSeverity.ISSUE_SEVERITY_WARNING;
            default -> null;
          };
      if (severity != null) {
        issues.add(DroidOutcome.issue(severity, message));
      }
      if (status == DelegationStatus.DELEGATION_STATUS_SUCCEEDED) {
        deliverables.addAll(Workspaces.expected(workspace, task.delegation(), issues));
      }
      return new DroidOutcome(
          status, message, deliverables, issues, because != null ? -1 : exitCode, tail.totalBytes(),
          tail.truncated(), tail.text());
    }
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  /** The end of a command's output. */
  record Tail(String text, long totalBytes, boolean truncated) {}

  /** Reads at most {@code limit} bytes from the end of the file, decoding leniently. */
  static Tail tail(Path file, int limit) {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long size = raf.length();
      int length = (int) Math.min(size, limit);
      byte[] bytes = new byte[length];
      raf.seek(size - length);
      raf.readFully(bytes);
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPLACE)
              .onUnmappableCharacter(CodingErrorAction.REPLACE)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return new Tail(text, size, size > limit);
    } catch (IOException e) {
      return new Tail("", 0, false);
    }
  }
}
