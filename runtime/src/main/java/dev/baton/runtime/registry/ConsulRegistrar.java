package dev.baton.runtime.registry;

import dev.baton.runtime.backoff.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.NotRegisteredException;
import org.kiwiproject.consul.model.agent.ImmutableRegCheck;
import org.kiwiproject.consul.model.agent.ImmutableRegistration;
import org.kiwiproject.consul.model.agent.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one service registered with the local Consul agent for as long as the process runs.
 *
 * <p>Registers at start (retrying with backoff while the agent is unreachable), then every
 * anti-entropy interval asks the agent whether it still has the service and registers it again
 * when not: an agent restarted without its data dir forgets every service, and nothing else would
 * bring them back. In TTL modes it also passes the TTL check every third of the TTL, reporting
 * {@code alive} (a process whose scheduler is stuck stops passing and goes critical). {@link #close}
 * deregisters. All work runs on the injected scheduler, one step after another.
 */
public final class ConsulRegistrar implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsulRegistrar.class);

  /**
   * A snapshot of the registration's state.
   *
   * @param registered whether the agent had the service at the last successful step
   * @param registrations how many times the service was registered (1 + re-registrations)
   * @param reRegistrations how many times the agent had lost it and it was registered again
   * @param consecutiveFailures failed Consul calls in a row (0 while the agent answers)
   * @param lastError the last failure, empty if none
   */
  public record Status(
      boolean registered, int registrations, int reRegistrations, int consecutiveFailures, String lastError) {}

  private final Consul consul;
  private final ConsulSettings settings;
  private final ServiceRegistration registration;
  private final BooleanSupplier alive;
  private final ScheduledExecutorService scheduler;
  private final Backoff backoff;
  private final FailureStreak streak;

  // Guarded by this.
  private boolean closed;
  private boolean registered;
  private int registrations;
  private int reRegistrations;
  private String lastError = "";
  private ScheduledFuture<?> next;

  private ConsulRegistrar(Consul consul, ConsulSettings settings, ServiceRegistration registration,
      BooleanSupplier alive, ScheduledExecutorService scheduler, Random random) {
    this.consul = Objects.requireNonNull(consul, "consul");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.registration = Objects.requireNonNull(registration, "registration");
    this.alive = Objects.requireNonNull(alive, "alive");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff(), random);
    this.streak = new FailureStreak(log, "consul registration of " + registration.id()
        + " (" + registration.service() + ") at agent " + settings.address());
  }

  /**
   * Starts registering {@code registration} at once, in the background; returns immediately.
   *
   * @param alive what the TTL check reports (pass while true, fail otherwise); unused in GRPC mode
   */
  public static ConsulRegistrar start(Consul consul, ConsulSettings settings, ServiceRegistration registration,
      BooleanSupplier alive, ScheduledExecutorService scheduler, Random random) {
    ConsulRegistrar registrar = new ConsulRegistrar(consul, settings, registration, alive, scheduler, random);
    registrar.schedule(Duration.ZERO);
    return registrar;
  }

  public ServiceRegistration registration() {
    return registration;
  }

  public synchronized Status status() {
    return new Status(registered, registrations, reRegistrations, streak.failures(), lastError);
  }

  /** Stops the upkeep and deregisters the service (one attempt, bounded by the call timeout). */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (next != null) {
        next.cancel(false);
      }
    }
    try {
      consul.agentClient().deregister(registration.id());
      log.info("deregistered {} ({}) from consul", registration.id(), registration.service());
    } catch (RuntimeException e) {
      // The agent reaps it after deregisterCriticalAfter once its check fails.
      log.warn("could not deregister {} from consul at {} ({}); the agent removes it {} after its check fails",
          registration.id(), settings.address(), FailureStreak.describe(e), settings.deregisterCriticalAfter());
    }
    synchronized (this) {
      registered = false;
    }
  }

  private synchronized void schedule(Duration delay) {
    if (closed) {
      return;
    }
    try {
      next = scheduler.schedule(this::step, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      log.debug("consul registration of {} stops: scheduler shut down", registration.id());
    }
  }

  /** One round: (re-)register if the agent lacks the service, pass the TTL check, schedule the next. */
  private void step() {
    Duration delay;
    synchronized (this) {
      if (closed) {
        return;
      }
      try {
        boolean present = registrations > 0 && consul.agentClient().isRegistered(registration.id());
        if (!present) {
          if (registrations > 0) {
            reRegistrations++;
            log.warn("consul agent at {} no longer has {} ({}); registering it again",
                settings.address(), registration.id(), registration.service());
          }
          consul.agentClient().register(toConsul());
          registrations++;
          if (registrations == 1) {
            log.info("registered {} as {} at {} with consul agent {} (checks: {})", registration.id(),
                registration.service(), registration.address(), settings.address(), settings.checkMode());
          }
        }
        registered = true;
        passTtl();
        streak.succeeded();
        lastError = "";
        delay = interval();
      } catch (RuntimeException e) {
        int attempt = streak.failed(e);
        lastError = FailureStreak.describe(e);
        delay = backoff.delay(attempt);
      }
    }
    schedule(delay);
  }

  private void passTtl() {
    if (!settings.checkMode().ttl()) {
      return;
    }
    try {
      if (alive.getAsBoolean()) {
        consul.agentClient().passCheck(registration.ttlCheckId(), "alive");
      } else {
        consul.agentClient().failCheck(registration.ttlCheckId(), "the process reports it is not serving");
      }
    } catch (NotRegisteredException e) {
      // The agent lost the service between our check and now: the next round registers it again.
      registered = false;
      throw new IllegalStateException("TTL check " + registration.ttlCheckId() + " unknown to the agent", e);
    }
  }

  private Duration interval() {
    Duration d = settings.antiEntropyInterval();
    if (settings.checkMode().ttl()) {
      Duration third = settings.ttl().dividedBy(3);
      d = third.compareTo(d) < 0 ? third : d;
    }
    return d;
  }

  private Registration toConsul() {
    List<Registration.RegCheck> checks = new ArrayList<>();
    String reap = goDuration(settings.deregisterCriticalAfter());
    if (settings.checkMode().grpc()) {
      checks.add(ImmutableRegCheck.builder()
          .id(registration.grpcCheckId())
          .name("grpc.health.v1 of " + registration.id())
          .grpc(registration.address())
          .grpcUseTls(registration.tls())
          .tlsSkipVerify(registration.tls())
          .interval(goDuration(settings.checkInterval()))
          .timeout(goDuration(settings.checkTimeout()))
          .deregisterCriticalServiceAfter(reap)
          .build());
    }
    if (settings.checkMode().ttl()) {
      checks.add(ImmutableRegCheck.builder()
          .id(registration.ttlCheckId())
          .name("TTL of " + registration.id())
          .ttl(goDuration(settings.ttl()))
          .deregisterCriticalServiceAfter(reap)
          .build());
    }
    return ImmutableRegistration.builder()
        .id(registration.id())
        .name(registration.service())
        .address(registration.host())
        .port(registration.port())
        .tags(registration.tags())
        .meta(registration.meta())
        .checks(checks)
        .build();
  }

  /** A duration as Go's time.ParseDuration reads it. */
  static String goDuration(Duration d) {
    return d.toMillis() + "ms";
  }
}
