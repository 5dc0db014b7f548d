package dev.baton.runtime.droid;

import dev.baton.runtime.containment.Container;
import dev.baton.runtime.containment.Containments;
import dev.baton.runtime.containment.ProcessContainment;
import dev.baton.v1.VerifyResult;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task's {@code verify} command in its workspace after the agent: {@code /bin/sh -c}, a
 * timeout that kills its whole container ({@link ProcessContainment}), output to {@code .baton/verify-attempt-N.log} with only its
 * tail kept. Blocking: call it from a worker thread, never the transport's.
 */
public final class VerifyCommand {
  /** Bytes of the verify output kept in the result. */
  public static final int OUTPUT_TAIL_BYTES = 16 * 1024;

  private final Duration timeout;
  private final Duration killGrace;
  private final ScheduledExecutorService scheduler;
  private final ProcessContainment containment;

  /** With the plain process-tree kill; the sub-orchestrator passes the containment it detected. */
  public VerifyCommand(Duration timeout, Duration killGrace, ScheduledExecutorService scheduler) {
    this(timeout, killGrace, scheduler, Containments.processTree());
  }

  public VerifyCommand(Duration timeout, Duration killGrace, ScheduledExecutorService scheduler,
      ProcessContainment containment) {
    this.containment = java.util.Objects.requireNonNull(containment, "containment");
    this.timeout = timeout;
    this.killGrace = killGrace;
    this.scheduler = scheduler;
  }

  /** Runs {@code command} in {@code workspace}; exit code -1 when it timed out or could not start. */
  public VerifyResult run(String command, Path workspace, int attempt) throws InterruptedException {
    return run(command, workspace, attempt, RunOptions.defaults());
  }

  /** Like {@link #run(String, Path, int)}, with the task's environment and network from its policy. */
  public VerifyResult run(String command, Path workspace, int attempt, RunOptions options) throws InterruptedException {
    long start = System.nanoTime();
    VerifyResult.Builder result = VerifyResult.newBuilder().setCommand(command);
    Path logFile = workspace.resolve(".baton").resolve("verify-attempt-" + attempt + ".log");
    Container container = containment.container();
    Process process;
    try {
      Files.createDirectories(logFile.getParent());
      ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command)
          .directory(workspace.toFile())
          .redirectErrorStream(true)
          .redirectOutput(logFile.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      options.applyTo(builder.environment());
      process = container.network(options.network()).start(builder);
    } catch (IOException e) {
      return result.setExitCode(-1).setOutputTail("verify could not start: " + e.getMessage()).build();
    }
    boolean done;
    try {
      done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      // The task was stopped while verifying: nothing of the verify may outlive it.
      container.killNow();
      throw e;
    }
    if (!done) {
      container.kill(killGrace, scheduler);
      process.waitFor();
    }
    CommandDroidExecutor.Tail tail = CommandDroidExecutor.tail(logFile, OUTPUT_TAIL_BYTES);
    String output = done ? tail.text() : tail.text() + "\n[verify timed out after " + timeout + " and was killed]";
    return result
        .setExitCode(done ? process.exitValue() : -1)
        .setOutputTail(output)
        .setDurationMillis((System.nanoTime() - start) / 1_000_000)
        .build();
  }
}
