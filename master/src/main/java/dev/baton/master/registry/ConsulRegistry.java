package dev.baton.master.registry;

import dev.baton.runtime.registry.ConsulMembership;
import dev.baton.runtime.registry.DescriptorMeta;
import dev.baton.runtime.registry.ServiceInstance;
import dev.baton.runtime.registry.ServiceNames;
import dev.baton.runtime.registry.ServiceWatcher;
import dev.baton.v1.InstanceHealth;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.SubOrchestratorDescriptor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's registry when Consul is the source of truth: an instance is healthy when Consul
 * reports it passing (its gRPC or TTL check), whether or not its Coordinate stream is open.
 *
 * <p>The Coordinate streams still matter: an instance with an open stream is described by its
 * Register frame (droids and all) and weighed by the load of its heartbeats, and one whose stream
 * is open but whose heartbeats are late is SUSPECT (not chosen) even while Consul still passes it,
 * since heartbeats notice a hung process before a check interval does. An instance passing in
 * Consul without a stream is described from its service meta and delegable with no load known; its
 * work is still followed over the master's Execute stream, but sync points cannot reach it (see docs/consul.md).
 * Instances that registered a stream but are not passing in Consul are listed OFFLINE.
 *
 * <p>{@link #markOffline} (the breaker gave up on an instance) holds until the instance's next
 * heartbeat or Register, or until Consul stops and starts reporting it again.
 */
public final class ConsulRegistry implements Registry {
  private static final Logger log = LoggerFactory.getLogger(ConsulRegistry.class);

  private final EmbeddedRegistry streams;
  private final ConsulMembership consul;
  private final Map<String, List<ServiceInstance>> passing = new ConcurrentHashMap<>();
  private final Map<String, String> marked = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  private ConsulRegistry(EmbeddedRegistry streams, ConsulMembership consul) {
    this.streams = streams;
    this.consul = consul;
  }

  /**
   * Watches {@code baton-<domain>} for every domain through {@code consul} (which the caller
   * closes) and keeps the Coordinate streams' state with the given heartbeat timings.
   */
  public static ConsulRegistry start(ConsulMembership consul, List<String> domains, Clock clock,
      Duration heartbeatInterval, Duration heartbeatTimeout) {
    ConsulRegistry registry =
        new ConsulRegistry(new EmbeddedRegistry(clock, heartbeatInterval, heartbeatTimeout), consul);
    registry.streams.addListener(registry::fire);
    for (String domain : domains) {
      consul.watch(ServiceNames.forDomain(domain), list -> registry.onConsul(domain, list));
    }
    return registry;
  }

  /** The state of each Consul watch, for operators and tests. */
  public List<ServiceWatcher.Status> watches() {
    return consul.watches();
  }

  private void onConsul(String domain, List<ServiceInstance> now) {
    List<ServiceInstance> before = passing.put(domain, now);
    if (before != null) {
      List<String> ids = now.stream().map(ServiceInstance::id).toList();
      before.stream().map(ServiceInstance::id).filter(id -> !ids.contains(id)).forEach(marked::remove);
    }
    log.info("consul reports {} passing {} instance(s): {}", now.size(), domain,
        now.stream().map(ServiceInstance::id).toList());
    fire();
  }

  @Override
  public long register(SubOrchestratorDescriptor descriptor, CoordinateSink sink) {
    marked.remove(descriptor.getId());
    return streams.register(descriptor, sink);
  }

  @Override
  public void heartbeat(String instanceId, LoadMetrics load, Instant sentAt) {
    marked.remove(instanceId);
    streams.heartbeat(instanceId, load, sentAt);
  }

  @Override
  public void deregister(String instanceId, long token) {
    streams.deregister(instanceId, token);
  }

  @Override
  public void markOffline(String instanceId, String reason) {
    if (marked.put(instanceId, reason) == null) {
      log.info("instance {} marked offline: {}", instanceId, reason);
      fire();
    }
  }

  @Override
  public List<Instance> instances() {
    Map<String, Instance> byId = new TreeMap<>();
    for (List<ServiceInstance> list : passing.values()) {
      for (ServiceInstance s : list) {
        byId.put(s.id(), fromConsul(s));
      }
    }
    for (Instance s : streams.instances()) {
      if (!byId.containsKey(s.id())) {
        // A draining instance turns its health NOT_SERVING, so Consul stops passing it: its open
        // stream still reports back the tasks it finishes, and that is not a failure.
        boolean draining = s.health() == InstanceHealth.INSTANCE_HEALTH_DRAINING && !marked.containsKey(s.id());
        byId.put(s.id(), draining ? s : with(s, InstanceHealth.INSTANCE_HEALTH_OFFLINE));
      }
    }
    return new ArrayList<>(byId.values());
  }

  @Override
  public List<Instance> healthy(String domain) {
    List<Instance> out = new ArrayList<>();
    for (ServiceInstance s : passing.getOrDefault(domain, List.of())) {
      Instance i = fromConsul(s);
      if (i.healthy()) {
        out.add(i);
      }
    }
    return out;
  }

  @Override
  public Optional<Instance> instance(String instanceId) {
    return instances().stream().filter(i -> i.id().equals(instanceId)).findFirst();
  }

  @Override
  public Optional<String> offlineReason(String instanceId) {
    if (marked.containsKey(instanceId)) {
      return Optional.of(marked.get(instanceId));
    }
    boolean passingInConsul = passing.values().stream().flatMap(List::stream).anyMatch(s -> s.id().equals(instanceId));
    if (!passingInConsul) {
      return streams.instance(instanceId).isPresent()
          ? Optional.of("Consul health check not passing (or service deregistered)")
          : Optional.empty();
    }
    return streams.offlineReason(instanceId);
  }

  @Override
  public Optional<CoordinateSink> sink(String instanceId) {
    return streams.sink(instanceId);
  }

  @Override
  public void addListener(Runnable onChange) {
    listeners.add(onChange);
  }

  private Instance fromConsul(ServiceInstance s) {
    boolean streamOpen = streams.sink(s.id()).isPresent();
    Optional<Instance> stream = streamOpen ? streams.instance(s.id()) : Optional.empty();
    InstanceHealth health;
    if (marked.containsKey(s.id())) {
      health = InstanceHealth.INSTANCE_HEALTH_OFFLINE;
    } else if (stream.isPresent() && stream.get().health() == InstanceHealth.INSTANCE_HEALTH_DRAINING) {
      health = InstanceHealth.INSTANCE_HEALTH_DRAINING;
    } else if (stream.isPresent() && !stream.get().healthy()) {
      // An open stream with late heartbeats: probably hung; Consul's check will confirm soon.
      health = InstanceHealth.INSTANCE_HEALTH_SUSPECT;
    } else {
      health = InstanceHealth.INSTANCE_HEALTH_HEALTHY;
    }
    if (stream.isPresent()) {
      Instance i = stream.get();
      return new Instance(i.descriptor(), i.load(), health, i.heartbeatAge(), i.latencyMillis());
    }
    SubOrchestratorDescriptor d = DescriptorMeta.descriptor(s);
    LoadMetrics load = LoadMetrics.newBuilder().setMaxConcurrentTasks(d.getCapabilities().getMaxConcurrentTasks()).build();
    return new Instance(d, load, health, Duration.ZERO, 0);
  }

  private static Instance with(Instance i, InstanceHealth health) {
    return new Instance(i.descriptor(), i.load(), health, i.heartbeatAge(), i.latencyMillis());
  }

  private void fire() {
    for (Runnable r : listeners) {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.error("registry listener failed", e);
      }
    }
  }
}
