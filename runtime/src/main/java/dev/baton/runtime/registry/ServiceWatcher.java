package dev.baton.runtime.registry;

import dev.baton.runtime.backoff.Backoff;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.model.ConsulResponse;
import org.kiwiproject.consul.model.health.Service;
import org.kiwiproject.consul.model.health.ServiceHealth;
import org.kiwiproject.consul.option.ImmutableQueryOptions;
import org.kiwiproject.consul.option.QueryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the passing instances of one Consul service with blocking queries and hands every new
 * list to a listener.
 *
 * <p>Follows Consul's rules for blocking queries: the first query (and the first after a reset) does
 * not block; later ones wait on the last index. When the returned index goes backwards (the agent
 * or its servers restarted and lost their state) the index is reset to 0; an index below 1 is
 * raised to 1, so a buggy 0 never turns the loop into a busy loop. Requests are at least
 * {@link #MIN_REQUEST_INTERVAL} apart.
 *
 * <p>On an error the last good list stays in force (a Consul outage must not look like every
 * instance dying) and the query is retried with backoff and jitter. The watch never dies silently:
 * failures show in {@link #status()} and, once per streak, in the log; an unexpected exception
 * restarts the loop with a fresh index. It runs on its own daemon thread, since a blocking query
 * holds a thread for up to the wait.
 */
public final class ServiceWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceWatcher.class);
  static final Duration MIN_REQUEST_INTERVAL = Duration.ofMillis(50);

  /** Receives each new list (sorted by id), on the watcher's thread; must not block long. */
  @FunctionalInterface
  public interface Listener {
    void onChange(List<ServiceInstance> passing);
  }

  /** Where the watch stands. */
  public enum State {
    /** No answer yet. */
    STARTING,
    /** The last query succeeded. */
    WATCHING,
    /** The last query failed; the last good list is kept. */
    FAILING,
    CLOSED
  }

  /**
   * @param index the Consul index the next blocking query waits on (0: the next query is plain)
   * @param updates lists handed to the listener
   * @param indexResets times the index went backwards or below 1 and was reset
   * @param restarts times the loop died of an unexpected exception and was restarted
   * @param lastSuccess when a query last succeeded, null if never
   */
  public record Status(
      String service, State state, BigInteger index, int consecutiveFailures, long updates, long indexResets,
      long restarts, String lastError, Instant lastSuccess) {}

  private final Consul consul;
  private final ConsulSettings settings;
  private final String service;
  private final Listener listener;
  private final Clock clock;
  private final Backoff backoff;
  private final FailureStreak streak;
  private final Thread thread;
  private final Object wakeup = new Object();

  private volatile boolean closed;
  // Written by the watch thread only; read by status().
  private volatile State state = State.STARTING;
  private volatile BigInteger index = BigInteger.ZERO;
  private volatile long updates;
  private volatile long indexResets;
  private volatile long restarts;
  private volatile String lastError = "";
  private volatile Instant lastSuccess;
  private volatile int failures;
  private volatile List<ServiceInstance> last;

  private ServiceWatcher(Consul consul, ConsulSettings settings, String service, Listener listener, Clock clock,
      Random random) {
    this.consul = Objects.requireNonNull(consul, "consul");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.service = Objects.requireNonNull(service, "service");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff(), random);
    this.streak = new FailureStreak(log, "consul watch of " + service + " at agent " + settings.address());
    this.thread = new Thread(this::run, "consul-watch-" + service);
    this.thread.setDaemon(true);
  }

  /** Starts watching {@code service} on a new daemon thread. */
  public static ServiceWatcher start(Consul consul, ConsulSettings settings, String service, Listener listener,
      Clock clock, Random random) {
    ServiceWatcher watcher = new ServiceWatcher(consul, settings, service, listener, clock, random);
    watcher.thread.start();
    return watcher;
  }

  public String service() {
    return service;
  }

  /** The last good list (empty before the first answer). */
  public List<ServiceInstance> passing() {
    List<ServiceInstance> l = last;
    return l == null ? List.of() : l;
  }

  public Status status() {
    return new Status(service, state, index, failures, updates, indexResets, restarts, lastError, lastSuccess);
  }

  /**
   * Stops the loop. A blocking query in flight is abandoned rather than waited for: its daemon
   * thread ends when the query returns (at most the wait plus the read timeout's margin).
   */
  @Override
  public void close() {
    closed = true;
    state = State.CLOSED;
    synchronized (wakeup) {
      wakeup.notifyAll();
    }
    thread.interrupt();
  }

  private void run() {
    while (!closed) {
      try {
        loop();
      } catch (Exception | Error e) {
        // Exception, not RuntimeException: okhttp (Kotlin) can throw InterruptedException unchecked.
        if (closed) {
          break;
        }
        restarts++;
        lastError = FailureStreak.describe(e);
        state = State.FAILING;
        log.error("consul watch of {} failed unexpectedly; restarting it with a fresh index", service, e);
        index = BigInteger.ZERO;
        pause(backoff.delay(0));
      }
    }
    state = State.CLOSED;
  }

  private void loop() {
    Instant previousRequest = Instant.EPOCH;
    while (!closed) {
      Duration sinceLast = Duration.between(previousRequest, clock.instant());
      if (sinceLast.compareTo(MIN_REQUEST_INTERVAL) < 0) {
        pause(MIN_REQUEST_INTERVAL.minus(sinceLast));
      }
      previousRequest = clock.instant();
      ConsulResponse<List<ServiceHealth>> response;
      try {
        response = consul.healthClient().getHealthyServiceInstances(service, query(index));
      } catch (Exception e) {
        if (closed) {
          return;
        }
        // Keep the last good list and the index: a blip must not look like every instance dying.
        int attempt = streak.failed(e);
        failures = streak.failures();
        lastError = FailureStreak.describe(e);
        state = State.FAILING;
        pause(backoff.delay(attempt));
        continue;
      }
      if (closed) {
        return;
      }
      index = nextIndex(index, response.getIndex());
      streak.succeeded();
      failures = 0;
      lastError = "";
      lastSuccess = clock.instant();
      state = State.WATCHING;
      List<ServiceInstance> now = response.getResponse().stream()
          .map(ServiceWatcher::toInstance)
          .sorted(Comparator.comparing(ServiceInstance::id))
          .toList();
      if (!now.equals(last)) {
        last = now;
        updates++;
        notifyListener(now);
      }
    }
  }

  /** The index for the next query, per Consul's rules (counts the resets). */
  BigInteger nextIndex(BigInteger previous, BigInteger returned) {
    if (returned == null || returned.compareTo(previous) < 0) {
      indexResets++;
      log.info("consul index of {} went backwards ({} -> {}); resetting it", service, previous, returned);
      return BigInteger.ZERO;
    }
    if (returned.signum() <= 0) {
      indexResets++;
      log.debug("consul returned index {} for {}; using 1", returned, service);
      return BigInteger.ONE;
    }
    return returned;
  }

  private QueryOptions query(BigInteger at) {
    if (at.signum() == 0) {
      return QueryOptions.BLANK;
    }
    return ImmutableQueryOptions.builder()
        .wait(settings.watchWait().toSeconds() + "s")
        .index(at)
        .build();
  }

  private void notifyListener(List<ServiceInstance> now) {
    try {
      listener.onChange(now);
    } catch (RuntimeException e) {
      log.error("listener of the consul watch of {} failed on a list of {} instance(s)", service, now.size(), e);
    }
  }

  private void pause(Duration d) {
    long deadline = System.nanoTime() + d.toNanos();
    synchronized (wakeup) {
      long left;
      while (!closed && (left = deadline - System.nanoTime()) > 0) {
        try {
          wakeup.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          if (closed) {
            return;
          }
        }
      }
    }
  }

  static ServiceInstance toInstance(ServiceHealth health) {
    Service s = health.getService();
    String host = s.getAddress() == null || s.getAddress().isBlank() ? health.getNode().getAddress() : s.getAddress();
    return new ServiceInstance(s.getService(), s.getId(), host, s.getPort(),
        s.getTags() == null ? List.of() : s.getTags(), s.getMeta() == null ? java.util.Map.of() : s.getMeta());
  }
}
