package dev.baton.runtime.registry;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import org.kiwiproject.consul.Consul;

/**
 * One role's presence in Consul: its client, its own registration and the services it watches.
 * Each role (master or sub-orchestrator) holds one and closes it on shutdown, which deregisters
 * the role before the watches stop.
 */
public final class ConsulMembership implements AutoCloseable {
  private final ConsulSettings settings;
  private final Consul consul;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Random random;
  private final Map<String, ServiceWatcher> watchers = new ConcurrentHashMap<>();
  private volatile ConsulRegistrar registrar;
  private ScheduledExecutorService ownScheduler;

  private ConsulMembership(ConsulSettings settings, Consul consul, ScheduledExecutorService scheduler, Clock clock,
      Random random) {
    this.settings = settings;
    this.consul = consul;
    this.scheduler = scheduler;
    this.clock = clock;
    this.random = random;
  }

  /** A client of the agent in {@code settings}; nothing is registered or watched yet. */
  public static ConsulMembership connect(
      ConsulSettings settings, ScheduledExecutorService scheduler, Clock clock, Random random) {
    Objects.requireNonNull(settings, "settings");
    return new ConsulMembership(settings, ConsulClients.create(settings), Objects.requireNonNull(scheduler),
        Objects.requireNonNull(clock), Objects.requireNonNull(random));
  }

  /** Like {@link #connect(ConsulSettings, ScheduledExecutorService, Clock, Random)} on a scheduler of its own. */
  public static ConsulMembership connect(ConsulSettings settings, Clock clock, Random random) {
    ScheduledExecutorService own = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "consul-registration");
      t.setDaemon(true);
      return t;
    });
    ConsulMembership m = connect(settings, own, clock, random);
    m.ownScheduler = own;
    return m;
  }

  public ConsulSettings settings() {
    return settings;
  }

  /** Starts watching {@code service} (once per service); {@code listener} gets every new list. */
  public ServiceWatcher watch(String service, ServiceWatcher.Listener listener) {
    return watchers.computeIfAbsent(service,
        s -> ServiceWatcher.start(consul, settings, s, listener, clock, random));
  }

  /** The last good list of passing instances of a watched service (empty if not watched). */
  public List<ServiceInstance> passing(String service) {
    ServiceWatcher w = watchers.get(service);
    return w == null ? List.of() : w.passing();
  }

  /**
   * The leading master's address from the leader key ({@link LeaderKey}), empty when no session
   * holds it or the agent does not answer (within the call timeout).
   */
  public Optional<String> leader(String key) {
    try {
      return LeaderKey.read(consul, key);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Registers this role; its upkeep runs until {@link #close}. */
  public synchronized ConsulRegistrar register(ServiceRegistration registration, BooleanSupplier alive) {
    if (registrar != null) {
      throw new IllegalStateException("already registered as " + registrar.registration().id());
    }
    registrar = ConsulRegistrar.start(consul, settings, registration, alive, scheduler, random);
    return registrar;
  }

  public Optional<ConsulRegistrar.Status> registration() {
    ConsulRegistrar r = registrar;
    return r == null ? Optional.empty() : Optional.of(r.status());
  }

  public List<ServiceWatcher.Status> watches() {
    List<ServiceWatcher.Status> all = new ArrayList<>();
    watchers.values().forEach(w -> all.add(w.status()));
    all.sort(java.util.Comparator.comparing(ServiceWatcher.Status::service));
    return all;
  }

  /** Deregisters (so others stop choosing this role first), stops the watches, releases the client. */
  @Override
  public void close() {
    ConsulRegistrar r = registrar;
    if (r != null) {
      r.close();
    }
    watchers.values().forEach(ServiceWatcher::close);
    consul.destroy();
    if (ownScheduler != null) {
      ownScheduler.shutdownNow();
    }
  }
}
