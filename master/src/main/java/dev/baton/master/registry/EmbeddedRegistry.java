package dev.baton.master.registry;

import dev.baton.v1.InstanceHealth;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.SubOrchestratorDescriptor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry the master hosts, fed by the Coordinate streams: Register adds an instance,
 * heartbeats keep it alive, the stream's end takes it offline.
 *
 * <p>Health is computed when asked, from the clock: HEALTHY while heartbeats arrive, SUSPECT once
 * two heartbeat intervals went by without one (not chosen for new work), OFFLINE after the heartbeat
 * timeout or when its stream ended. Offline instances stay listed so a user sees what died. An
 * instance whose heartbeats say it is draining (it was asked to stop) is DRAINING while they keep
 * arriving: not chosen for new work, and not a failure; its end of stream then takes it OFFLINE
 * like any other, and whatever it still held fails over.
 *
 * <pre>
 *   HEALTHY --heartbeats late--> SUSPECT --timeout / stream end--> OFFLINE
 *   HEALTHY --heartbeat draining--> DRAINING --stream end--> OFFLINE
 *   SUSPECT / OFFLINE(marked) --heartbeat--> HEALTHY or DRAINING (as it says)
 * </pre>
 */
public final class EmbeddedRegistry implements Registry {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedRegistry.class);

  private final Clock clock;
  private final Duration heartbeatInterval;
  private final Duration heartbeatTimeout;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong tokens = new AtomicLong();

  public EmbeddedRegistry(Clock clock, Duration heartbeatInterval, Duration heartbeatTimeout) {
    this.clock = clock;
    this.heartbeatInterval = heartbeatInterval;
    this.heartbeatTimeout = heartbeatTimeout;
  }

  @Override
  public long register(SubOrchestratorDescriptor descriptor, CoordinateSink sink) {
    if (descriptor.getId().isEmpty()) {
      throw new IllegalArgumentException("Register.orchestrator.id is empty (expected the instance id)");
    }
    if (descriptor.getSpecialization().getDomain().isEmpty()) {
      throw new IllegalArgumentException(
          "Register.orchestrator.specialization.domain is empty for " + descriptor.getId());
    }
    long token = tokens.incrementAndGet();
    Entry e = new Entry(descriptor, sink, token, clock.instant());
    entries.put(descriptor.getId(), e);
    log.info("registered {} ({}) at {}", descriptor.getId(), e.domain(), descriptor.getAddress());
    fire();
    return token;
  }

  @Override
  public void heartbeat(String instanceId, LoadMetrics load, Instant sentAt) {
    Entry e = entries.get(instanceId);
    if (e == null || e.offline) {
      return;
    }
    Instant now = clock.instant();
    boolean drainingChanged;
    synchronized (e) {
      drainingChanged = e.load.getDraining() != load.getDraining();
      e.load = load;
      e.lastHeartbeat = now;
      e.markedOffline = null; // it proved alive again
      if (sentAt != null && !sentAt.equals(Instant.EPOCH)) {
        double ms = Math.max(0, Duration.between(sentAt, now).toNanos() / 1e6);
        e.latencyMillis = e.latencySamples == 0 ? ms : e.latencyMillis * 0.8 + ms * 0.2;
        e.latencySamples++;
      }
    }
    if (drainingChanged) {
      log.info("{} {}", instanceId, load.getDraining() ? "is draining: no new tasks, its running ones finish there"
          : "stopped draining");
      fire();
    }
  }

  @Override
  public void deregister(String instanceId, long token) {
    Entry e = entries.get(instanceId);
    if (e == null || e.token != token || e.offline) {
      return;
    }
    e.offline = true;
    log.info("instance {} went offline: its Coordinate stream ended", instanceId);
    fire();
  }

  @Override
  public void markOffline(String instanceId, String reason) {
    Entry e = entries.get(instanceId);
    if (e == null || e.offline) {
      return;
    }
    synchronized (e) {
      e.markedOffline = reason;
    }
    log.info("instance {} marked offline: {}", instanceId, reason);
    fire();
  }

  @Override
  public List<Instance> instances() {
    List<Instance> all = new ArrayList<>();
    Instant now = clock.instant();
    for (Entry e : entries.values()) {
      all.add(e.snapshot(now));
    }
    all.sort(Comparator.comparing(Instance::id));
    return all;
  }

  @Override
  public List<Instance> healthy(String domain) {
    // On every dispatch: only the domain's entries are looked at.
    List<Instance> out = new ArrayList<>();
    Instant now = clock.instant();
    for (Entry e : entries.values()) {
      if (e.domain().equals(domain)) {
        Instance i = e.snapshot(now);
        if (i.healthy()) {
          out.add(i);
        }
      }
    }
    out.sort(Comparator.comparing(Instance::id));
    return out;
  }

  @Override
  public Optional<Instance> instance(String instanceId) {
    Entry e = entries.get(instanceId);
    return e == null ? Optional.empty() : Optional.of(e.snapshot(clock.instant()));
  }

  @Override
  public Optional<CoordinateSink> sink(String instanceId) {
    Entry e = entries.get(instanceId);
    if (e == null || e.offline) {
      return Optional.empty();
    }
    return Optional.of(e.sink);
  }

  @Override
  public void addListener(Runnable onChange) {
    listeners.add(onChange);
  }

  @Override
  public Optional<String> offlineReason(String instanceId) {
    Entry e = entries.get(instanceId);
    return e == null ? Optional.empty() : Optional.ofNullable(e.offlineReason(clock.instant()));
  }

  private void fire() {
    for (Runnable r : listeners) {
      r.run();
    }
  }

  private final class Entry {
    final SubOrchestratorDescriptor descriptor;
    final CoordinateSink sink;
    final long token;
    volatile boolean offline;
    LoadMetrics load;
    Instant lastHeartbeat;
    /** Set by {@link #markOffline} until the next heartbeat. */
    String markedOffline;
    double latencyMillis;
    long latencySamples;

    Entry(SubOrchestratorDescriptor descriptor, CoordinateSink sink, long token, Instant now) {
      this.descriptor = descriptor;
      this.sink = sink;
      this.token = token;
      this.lastHeartbeat = now;
      this.load = LoadMetrics.newBuilder()
          .setMaxConcurrentTasks(descriptor.getCapabilities().getMaxConcurrentTasks())
          .build();
    }

    String domain() {
      return descriptor.getSpecialization().getDomain();
    }

    synchronized String offlineReason(Instant now) {
      Duration age = Duration.between(lastHeartbeat, now);
      if (markedOffline != null) {
        return markedOffline;
      }
      if (offline) {
        return "coordinate stream lost";
      }
      return age.compareTo(heartbeatTimeout) > 0 ? "heartbeats missed for " + age.toMillis() + " ms" : null;
    }

    synchronized Instance snapshot(Instant now) {
      long ageMillis = now.toEpochMilli() - lastHeartbeat.toEpochMilli(); // millis: Duration arithmetic is slow
      Duration age = Duration.ofMillis(ageMillis);
      InstanceHealth health;
      if (offline || markedOffline != null || ageMillis > heartbeatTimeout.toMillis()) {
        health = InstanceHealth.INSTANCE_HEALTH_OFFLINE;
      } else if (ageMillis > 2 * heartbeatInterval.toMillis()) {
        health = InstanceHealth.INSTANCE_HEALTH_SUSPECT;
      } else if (load.getDraining()) {
        health = InstanceHealth.INSTANCE_HEALTH_DRAINING;
      } else {
        health = InstanceHealth.INSTANCE_HEALTH_HEALTHY;
      }
      return new Instance(descriptor, load, health, age, latencyMillis);
    }
  }
}
