package dev.baton.master.registry;

import dev.baton.v1.InstanceHealth;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.SubOrchestratorDescriptor;
import java.time.Duration;

/**
 * A snapshot of one registered sub-orchestrator instance.
 *
 * @param heartbeatAge time since its last heartbeat (or its registration)
 * @param latencyMillis mean one-way delay of its heartbeats (receive time minus send time), 0 if unknown
 */
public record Instance(
    SubOrchestratorDescriptor descriptor,
    LoadMetrics load,
    InstanceHealth health,
    Duration heartbeatAge,
    double latencyMillis) {

  public String id() {
    return descriptor.getId();
  }

  public String domain() {
    return descriptor.getSpecialization().getDomain();
  }

  public String address() {
    return descriptor.getAddress();
  }

  public boolean healthy() {
    return health == InstanceHealth.INSTANCE_HEALTH_HEALTHY;
  }

  /** The instance's slot count: its latest heartbeat's, else its descriptor's, at least 1. */
  public int maxConcurrentTasks() {
    int m = load.getMaxConcurrentTasks();
    if (m <= 0) {
      m = descriptor.getCapabilities().getMaxConcurrentTasks();
    }
    return Math.max(1, m);
  }
}
