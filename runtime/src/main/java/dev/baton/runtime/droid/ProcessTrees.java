package dev.baton.runtime.droid;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Kills a process with everything it started.
 *
 * <p>The descendants are listed <em>before</em> anything is signalled: once the shell dies its
 * children are re-parented to init and can no longer be found from it. Java cannot signal a process
 * group, so each process is signalled by its own handle: SIGTERM first, SIGKILL after the grace.
 */
public final class ProcessTrees {
  private ProcessTrees() {}

  /** Sends SIGTERM to the tree now and SIGKILL to its survivors after {@code grace}. */
  public static List<ProcessHandle> kill(
      ProcessHandle root, Duration grace, ScheduledExecutorService scheduler) {
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
    tree.add(root);
    for (ProcessHandle handle : tree) {
      handle.destroy();
    }
    Runnable force =
        () -> {
          for (ProcessHandle handle : tree) {
            if (handle.isAlive()) {
              handle.destroyForcibly();
            }
          }
        };
    try {
      scheduler.schedule(force, grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      force.run();
    }
    return tree;
  }
}
