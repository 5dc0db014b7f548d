package dev.baton.cli;

import dev.baton.cli.mesh.ReadyLine;
import java.io.PrintStream;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a {@code baton master} or {@code baton orchestrator} process: print the ready line
 * once serving, close gracefully on SIGTERM or Ctrl-C, and exit when the parent that launched it dies.
 */
final class ServerProcess {
  private static final Logger log = LoggerFactory.getLogger(ServerProcess.class);

  /** What {@link #serve} needs of a started server. */
  interface Server extends AutoCloseable {
    void awaitTermination() throws InterruptedException;

    @Override
    void close();
  }

  private ServerProcess() {}

  /** Blocks until the server terminates; returns the exit status. */
  static int serve(Server server, ReadyLine ready, Long parentPid, PrintStream out) throws InterruptedException {
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "baton-shutdown"));
    exitZeroOnSigterm();
    if (parentPid != null) {
      exitWithParent(parentPid);
    }
    out.println(ready.format());
    out.flush();
    server.awaitTermination();
    return ExitCodes.OK;
  }

  /**
   * SIGTERM is how a platform asks a server to stop (Kubernetes deleting its pod, {@code kill}):
   * the shutdown hook closes it gracefully (a sub-orchestrator drains), and the process then exits
   * 0 rather than the JVM's default 143, so a stop that went as asked is not reported as an error
   * (a pod's container "Completed", not "Error"). Ctrl-C (SIGINT) keeps the JVM's default.
   */
  @SuppressWarnings("restriction")
  private static void exitZeroOnSigterm() {
    try {
      // Runs on the JVM's signal thread, as the default handler does; System.exit runs the hooks.
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> System.exit(ExitCodes.OK));
    } catch (IllegalArgumentException e) {
      // -Xrs, or a platform without SIGTERM: the JVM's default handling stays (exit 143).
      log.debug("SIGTERM handler not installed: {}", e.getMessage());
    }
  }

  /**
   * Launchers pass their pid: when that process ends, even by SIGKILL, this one shuts down too,
   * so a crashed {@code baton up} or test run leaves no orphan servers.
   */
  private static void exitWithParent(long parentPid) {
    Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
    if (parent.isEmpty() || !parent.get().isAlive()) {
      log.warn("parent process {} is gone; exiting", parentPid);
      System.exit(ExitCodes.OK);
    }
    parent
        .get()
        .onExit()
        .thenRun(
            () -> {
              log.info("parent process {} exited; shutting down", parentPid);
              System.exit(ExitCodes.OK);
            });
  }
}
