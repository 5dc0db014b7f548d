package dev.baton.runtime.containment;

/**
 * A way of running a task's processes so that they can be killed whole: one strategy per kernel
 * mechanism ({@link PidNamespaceContainment}, {@link CgroupContainment}, {@link
 * ProcessTreeContainment}), chosen once at start by {@link Containments#detect()}.
 *
 * <p>Each started process gets its own {@link Container}. A container ends with its main process:
 * whatever that process left running (a daemon it double-forked, a background job) is killed then
 * too, except under {@link ProcessTreeContainment}, which cannot find such processes.
 *
 * <p>Thread-safe: containers are made and killed from any thread.
 */
public interface ProcessContainment {

  /** The name shown in logs, Describe and docs: {@code pid-namespace}, {@code cgroup}, {@code process-tree}. */
  String name();

  /** One line for the start-up log: the mechanism and what it guarantees ({@link #name()} goes to Describe). */
  String description();

  /** Whether {@link Container#network(boolean) network(false)} can be honoured. */
  boolean canIsolateNetwork();

  /** A new, unstarted container, network allowed unless this containment says otherwise. */
  Container container();

  /**
   * SIGKILLs every container of this containment still running, now, on the caller's thread: the
   * last step of a sub-orchestrator's shutdown, after the graceful stops had their grace.
   */
  void killAll();

  /**
   * This containment with every new container's network set to {@code allowed}: the switch a
   * policy that forbids networking to commands passes down (a container refuses to start when the
   * network cannot be cut, rather than run with it).
   */
  default ProcessContainment withNetwork(boolean allowed) {
    ProcessContainment self = this;
    return new ProcessContainment() {
      @Override
      public String name() {
        return self.name();
      }

      @Override
      public String description() {
        return self.description() + (allowed ? "" : "; network: loopback only");
      }

      @Override
      public boolean canIsolateNetwork() {
        return self.canIsolateNetwork();
      }

      @Override
      public Container container() {
        return self.container().network(allowed);
      }

      @Override
      public void killAll() {
        self.killAll();
      }

      @Override
      public ProcessContainment withNetwork(boolean again) {
        return self.withNetwork(again);
      }
    };
  }
}
