package dev.baton.master.registry;

import dev.baton.v1.LoadMetrics;
import dev.baton.v1.SubOrchestratorDescriptor;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the master finds sub-orchestrator instances. The embedded implementation learns them from
 * their Coordinate streams; a Consul-backed one can replace it without changing the scheduler.
 */
public interface Registry {

  /**
   * Records an instance (replacing an earlier registration with the same id) reachable for
   * coordination through {@code sink}.
   *
   * @return a token identifying this registration, for {@link #deregister}
   */
  long register(SubOrchestratorDescriptor descriptor, CoordinateSink sink);

  /** Records a heartbeat; {@code sentAt} (may be null) measures the stream's latency. */
  void heartbeat(String instanceId, LoadMetrics load, Instant sentAt);

  /**
   * Marks the instance offline because its stream ended. A token of an older registration is
   * ignored, so a reconnect racing with the old stream's end is not undone.
   */
  void deregister(String instanceId, long token);

  /** Every known instance, live or not, ordered by id. */
  List<Instance> instances();

  /** Healthy instances of a domain, ordered by id. */
  List<Instance> healthy(String domain);

  Optional<Instance> instance(String instanceId);

  /** The coordination channel of a live instance. */
  Optional<CoordinateSink> sink(String instanceId);

  /** Called (on the registering thread) whenever an instance registers or goes offline. */
  void addListener(Runnable onChange);

  /**
   * The master gave up on the instance (its breaker opened and its tasks were transferred): report
   * it OFFLINE until it proves alive again (a later heartbeat or registration). A registry that
   * cannot hold such a mark (health decided elsewhere, e.g. by Consul checks) may ignore it: the
   * breaker keeps the instance out of rotation either way.
   */
  default void markOffline(String instanceId, String reason) {}

  /**
   * Why an instance is offline now, in words for events and logs ("coordinate stream lost",
   * "heartbeats missed for 5200 ms", "Consul health check not passing"); empty while it is not.
   */
  default Optional<String> offlineReason(String instanceId) {
    return Optional.empty();
  }
}
