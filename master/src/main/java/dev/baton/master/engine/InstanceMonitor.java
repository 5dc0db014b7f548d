package dev.baton.master.engine;

import dev.baton.master.registry.Instance;
import dev.baton.master.registry.Registry;
import dev.baton.master.resilience.Breakers;
import dev.baton.v1.InstanceHealth;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns what the registry sees into breaker outcomes, on every scheduler tick and registry change:
 * heartbeats missed (HEALTHY -> SUSPECT) is one failure; the instance gone (-> OFFLINE: its stream
 * ended or the heartbeat timeout passed) opens its breaker at once; an instance back from OFFLINE
 * (it registered or heartbeats again after the registry took it offline; not after the master's own
 * markOffline) gets its probe now (half-open) rather than after the open wait; an open
 * breaker past its wait is moved to half-open.
 * Scheduler thread only.
 */
final class InstanceMonitor {
  private final Registry registry;
  private final Breakers breakers;
  private final Map<String, InstanceHealth> seen = new HashMap<>();
  /** Instances the registry itself took offline (not the master's markOffline after its breaker opened). */
  private final java.util.Set<String> wentAway = new java.util.HashSet<>();

  InstanceMonitor(Registry registry, Breakers breakers) {
    this.registry = registry;
    this.breakers = breakers;
  }

  void scan() {
    for (Instance i : registry.instances()) {
      // An open breaker past its wait becomes half-open only when asked for a permission; ask (and
      // give it back) so that an idle domain shows the instance as probing rather than failed forever.
      if (breakers.isOpen(i.id()) && breakers.tryAcquire(i.id())) {
        breakers.release(i.id());
      }
      InstanceHealth before = seen.put(i.id(), i.health());
      InstanceHealth now = i.health();
      if (before == now) {
        continue;
      }
      long ageMs = i.heartbeatAge().toMillis();
      if (now == InstanceHealth.INSTANCE_HEALTH_SUSPECT && before == InstanceHealth.INSTANCE_HEALTH_HEALTHY) {
        breakers.failure(i.id(), Duration.ZERO, "heartbeats missed for " + ageMs + " ms");
      } else if (now == InstanceHealth.INSTANCE_HEALTH_OFFLINE && before != null) {
        if (!breakers.isOpen(i.id())) {
          wentAway.add(i.id());
        }
        String reason = registry.offlineReason(i.id()).orElse(before == InstanceHealth.INSTANCE_HEALTH_SUSPECT
            ? "heartbeats missed for " + ageMs + " ms" : "coordinate stream lost");
        breakers.open(i.id(), reason);
      } else if (now == InstanceHealth.INSTANCE_HEALTH_HEALTHY && before == InstanceHealth.INSTANCE_HEALTH_OFFLINE
          && wentAway.remove(i.id())) {
        breakers.halfOpen(i.id());
      }
    }
  }
}
