package dev.baton.master.balance;

import dev.baton.master.registry.Instance;

/**
 * An instance that could take a task, with the master's own view of its load.
 *
 * @param outstanding delegations this master has handed the instance and not yet seen finish; the
 *     heartbeat's count lags behind a burst of delegations, this does not
 */
public record Candidate(Instance instance, int outstanding) {

  /** Tasks on the instance as best known: the larger of its report and our outstanding count. */
  public int currentTasks() {
    return Math.max(instance.load().getCurrentTasks(), outstanding);
  }

  public int maxConcurrentTasks() {
    return instance.maxConcurrentTasks();
  }

  public String id() {
    return instance.id();
  }
}
