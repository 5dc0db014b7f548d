package dev.baton.master.resilience;

import dev.baton.master.registry.CoordinateSink;
import dev.baton.master.registry.Instance;
import dev.baton.master.registry.Registry;
import dev.baton.v1.InstanceHealth;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.SubOrchestratorDescriptor;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The registry as users see it (ListOrchestrators, the dashboard): an instance whose breaker is
 * open is reported OFFLINE (the dashboard shows it "failed"), a half-open one SUSPECT, whatever its
 * heartbeats say. The scheduler uses the plain registry and asks the breakers itself, since a
 * half-open instance must still receive its probe.
 */
public final class BreakerAwareRegistry implements Registry {
  private final Registry delegate;
  private final Breakers breakers;

  public BreakerAwareRegistry(Registry delegate, Breakers breakers) {
    this.delegate = delegate;
    this.breakers = breakers;
  }

  private Instance view(Instance i) {
    InstanceHealth h = i.health();
    if (h == InstanceHealth.INSTANCE_HEALTH_OFFLINE) {
      return i;
    }
    if (breakers.isOpen(i.id())) {
      h = InstanceHealth.INSTANCE_HEALTH_OFFLINE;
    } else if (breakers.word(i.id()).equals("half_open")) {
      h = InstanceHealth.INSTANCE_HEALTH_SUSPECT;
    }
    return h == i.health() ? i : new Instance(i.descriptor(), i.load(), h, i.heartbeatAge(), i.latencyMillis());
  }

  @Override
  public long register(SubOrchestratorDescriptor descriptor, CoordinateSink sink) {
    return delegate.register(descriptor, sink);
  }

  @Override
  public void heartbeat(String instanceId, LoadMetrics load, Instant sentAt) {
    delegate.heartbeat(instanceId, load, sentAt);
  }

  @Override
  public void deregister(String instanceId, long token) {
    delegate.deregister(instanceId, token);
  }

  @Override
  public void markOffline(String instanceId, String reason) {
    delegate.markOffline(instanceId, reason);
  }

  @Override
  public List<Instance> instances() {
    return delegate.instances().stream().map(this::view).toList();
  }

  @Override
  public List<Instance> healthy(String domain) {
    return instances().stream().filter(i -> i.domain().equals(domain) && i.healthy()).toList();
  }

  @Override
  public Optional<Instance> instance(String instanceId) {
    return delegate.instance(instanceId).map(this::view);
  }

  @Override
  public Optional<CoordinateSink> sink(String instanceId) {
    return delegate.sink(instanceId);
  }

  @Override
  public Optional<String> offlineReason(String instanceId) {
    return delegate.offlineReason(instanceId);
  }

  @Override
  public void addListener(Runnable onChange) {
    delegate.addListener(onChange);
  }
}
