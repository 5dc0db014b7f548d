package dev.baton.runtime.containment;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process and everything it starts, killed whole: made by {@link ProcessContainment#container()},
 * configured ({@link #network}), {@link #start started} once, then {@link #kill killed} or left to end.
 *
 * <p>{@link #start} runs the caller's {@link ProcessBuilder} as it is (working directory,
 * environment, redirections, stdin/stdout/stderr pipes) with its command wrapped by the strategy,
 * so exit codes and streams are those of the caller's command. When the main process exits, what
 * it left behind is killed too (where the strategy can find it).
 *
 * <p>Threads: {@code start} on the caller's thread; {@code kill} from any thread (SIGTERM now,
 * SIGKILL after the grace on the caller's scheduler); the end-of-process clean-up on the common
 * pool. The state below is guarded by {@code this}.
 */
public abstract class Container {
  private static final Logger log = LoggerFactory.getLogger(Container.class);

  private final Set<Container> live;
  private boolean network = true;
  private Process process;
  private boolean killed;

  protected Container(Set<Container> live) {
    this.live = live;
  }

  /**
   * Whether the processes may use the network (default true). False gives them a network namespace
   * of their own with only a loopback interface; a strategy that cannot do that refuses to
   * {@link #start} rather than run with the network.
   */
  public final synchronized Container network(boolean allowed) {
    if (process != null) {
      throw new IllegalStateException("network(" + allowed + ") after start (expected: before start)");
    }
    this.network = allowed;
    return this;
  }

  public final synchronized boolean networkAllowed() {
    return network;
  }

  /**
   * Starts {@code builder}'s command in this container and returns its process: the handle whose
   * exit code, streams and {@code onExit} are the command's.
   *
   * @throws IOException as {@link ProcessBuilder#start()} would (a missing program included), or
   *     when the network must be cut and this strategy cannot
   */
  public final Process start(ProcessBuilder builder) throws IOException {
    List<String> original = List.copyOf(builder.command());
    if (original.isEmpty()) {
      throw new IOException("empty command (expected: a program and its arguments)");
    }
    requireProgram(original.get(0), builder);
    Process started;
    synchronized (this) {
      if (process != null) {
        throw new IllegalStateException("container already started (expected: one process per container)");
      }
      List<String> wrapped = wrap(original, network);
      builder.command(wrapped);
      try {
        started = builder.start();
      } catch (IOException | RuntimeException e) {
        abandoned();
        throw e;
      } finally {
        builder.command(original);
      }
      process = started;
      live.add(this);
    }
    started.onExit().whenCompleteAsync((p, error) -> {
      try {
        ended();
      } catch (RuntimeException e) {
        log.warn("cleaning up the container of pid {} failed", started.pid(), e);
      } finally {
        live.remove(this);
      }
    });
    return started;
  }

  /** The started process; null before {@link #start}. */
  public final synchronized Process process() {
    return process;
  }

  /**
   * Stops everything in the container: SIGTERM to each of its processes now, SIGKILL to all that is
   * left after {@code grace} (on {@code scheduler}; at once when it is shutting down). Idempotent;
   * a no-op before start and after the end.
   */
  public final void kill(Duration grace, ScheduledExecutorService scheduler) {
    synchronized (this) {
      if (process == null || killed) {
        return;
      }
      killed = true;
    }
    terminate();
    try {
      scheduler.schedule(this::forceKillIfAlive, grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      forceKillIfAlive();
    }
  }

  /** SIGKILLs everything in the container now. */
  public final void killNow() {
    synchronized (this) {
      if (process == null) {
        return;
      }
      killed = true;
    }
    forceKillIfAlive();
  }

  private void forceKillIfAlive() {
    if (process.isAlive() || leftovers()) {
      forceKill();
    }
  }

  /** The command line that runs {@code argv} inside a new container of this kind. */
  protected abstract List<String> wrap(List<String> argv, boolean network) throws IOException;

  /** SIGTERM to every process of the container. */
  protected abstract void terminate();

  /** SIGKILL to every process of the container. */
  protected abstract void forceKill();

  /** Whether processes may remain after the main one exited (killed by {@link #forceKill}). */
  protected boolean leftovers() {
    return false;
  }

  /** The main process exited: kill what it left behind, release the container's resources. */
  protected void ended() {}

  /** {@link #start} failed after {@link #wrap}: release what {@code wrap} made. */
  protected void abandoned() {}

  /**
   * Fails like {@link ProcessBuilder#start()} does for a program that does not exist, which a
   * wrapper would otherwise turn into an exit code of its shell.
   */
  private static void requireProgram(String program, ProcessBuilder builder) throws IOException {
    if (program.contains("/")) {
      Path path = builder.directory() == null || Path.of(program).isAbsolute()
          ? Path.of(program) : builder.directory().toPath().resolve(program);
      if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
        throw new IOException("Cannot run program \"" + program + "\": error=2, No such file or directory");
      }
      return;
    }
    // Java looks a bare name up on its own PATH, the wrapping shell on the child's: either will do.
    String path = builder.environment().getOrDefault("PATH", "") + File.pathSeparator
        + java.util.Objects.requireNonNullElse(System.getenv("PATH"), "");
    {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return;
        }
      }
    }
    throw new IOException("Cannot run program \"" + program + "\": error=2, No such file or directory"
        + " (not on PATH)");
  }

  /** Every live process under {@code root}, the root last: listed before anything is signalled. */
  static List<ProcessHandle> tree(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
    tree.add(root);
    return tree;
  }
}
