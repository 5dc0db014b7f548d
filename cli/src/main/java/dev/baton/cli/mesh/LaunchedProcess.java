package dev.baton.cli.mesh;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One child {@code baton} server process: its ready line, its log files and its end.
 *
 * <p>stderr (the server's log) goes straight to {@code <name>.log}; stdout is read by a daemon
 * thread that copies it to {@code <name>.out} and completes {@link #awaitReady} on the
 * {@link ReadyLine}, so the launcher never parses a log.
 */
public final class LaunchedProcess {
  private static final Logger log = LoggerFactory.getLogger(LaunchedProcess.class);

  private final String name;
  private final Process process;
  private final Path logFile;
  private final Path outFile;
  private final CompletableFuture<ReadyLine> ready = new CompletableFuture<>();

  private LaunchedProcess(String name, Process process, Path logFile, Path outFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.outFile = outFile;
  }

  /** Starts {@code command} with its output captured under {@code runDir}. */
  static LaunchedProcess start(String name, List<String> command, Path runDir) {
    Path logFile = runDir.resolve(name + ".log");
    Path outFile = runDir.resolve(name + ".out");
    try {
      Files.createDirectories(runDir);
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      LaunchedProcess launched = new LaunchedProcess(name, process, logFile, outFile);
      launched.pumpStdout();
      process
          .onExit()
          .thenRun(
              () ->
                  launched.ready.completeExceptionally(
                      new IllegalStateException(
                          name + " exited with status " + process.exitValue()
                              + " before it was ready; last lines of " + logFile + ":\n"
                              + launched.logTail(20))));
      return launched;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  private void pumpStdout() {
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                  BufferedWriter out =
                      Files.newBufferedWriter(
                          outFile, StandardCharsets.UTF_8,
                          StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                String line;
                while ((line = in.readLine()) != null) {
                  out.write(line);
                  out.newLine();
                  out.flush();
                  ReadyLine.parse(line).ifPresent(ready::complete);
                }
              } catch (IOException e) {
                log.debug("stdout of {} closed: {}", name, e.toString());
              }
            },
            "baton-stdout-" + name);
    pump.setDaemon(true);
    pump.start();
  }

  /** Waits for the ready line; fails with the log's tail if the process died or the deadline passed. */
  public ReadyLine awaitReady(Duration timeout) {
    try {
      return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          name + " printed no " + ReadyLine.PREFIX + " line within " + timeout.toSeconds()
              + " s; last lines of " + logFile + ":\n" + logTail(20), e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name, e);
    }
  }

  /** The ready line if it was printed already. */
  public ReadyLine readyLine() {
    return ready.getNow(null);
  }

  /** host:port the process serves on, once ready. */
  public String address() {
    ReadyLine line = readyLine();
    if (line == null) {
      throw new IllegalStateException(name + " is not ready yet");
    }
    return line.address();
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public ProcessHandle handle() {
    return process.toHandle();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit status once the process ended; {@link IllegalThreadStateException} while it runs. */
  public int exitValue() {
    return process.exitValue();
  }

  /** Completes with this process once it has ended (then {@link #exitValue()} is known). */
  public CompletableFuture<LaunchedProcess> onExit() {
    return process.onExit().thenApply(p -> this);
  }

  /** The server's log (its stderr). */
  public Path logFile() {
    return logFile;
  }

  /**
   * Asks the process to shut down (SIGTERM: its shutdown hook closes the server gracefully) and
   * waits up to {@code grace}; kills it and its descendants after that.
   */
  public void stop(Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("{} did not stop within {} ms; killing it", name, grace.toMillis());
        kill();
      }
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
    }
  }

  /** SIGKILL to the process and every process it started (command droids' trees included). */
  public void kill() {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * SIGSTOP: the process hangs without dying (no socket closes, nothing answers), as a stuck JVM
   * or a paused container would; {@link #resume()} lets it go on. For chaos tests; POSIX only.
   */
  public void suspend() {
    signal("STOP");
  }

  /** SIGCONT after {@link #suspend()}. */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
          .redirectErrorStream(true).start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
            + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill -" + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + name, e);
    }
  }

  /** The last {@code lines} lines of the log, for error messages. */
  public String logTail(int lines) {
    try {
      if (!Files.exists(logFile)) {
        return "(no log)";
      }
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  @Override
  public String toString() {
    return name + "[pid " + pid() + (readyLine() == null ? "" : ", " + address()) + "]";
  }
}
