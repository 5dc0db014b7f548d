package dev.baton.master.leader;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.ConsulException;
import org.kiwiproject.consul.model.session.ImmutableSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Consul session of a campaigning master, renewed on the renewal thread every third of its TTL
 * (kiwiproject's client creates sessions but never renews them). It is lost, and its listener told
 * once, when Consul no longer knows it (invalidated by a failing check, expired, destroyed) or when
 * no renewal succeeded for a whole TTL (the agent is unreachable: Consul expires it soon, and until
 * then nobody can tell whether it still holds the lock, so the holder must assume it does not).
 *
 * <p>Threads: created and destroyed on the caller's thread; renewals and the loss notice run on
 * the shared renewal scheduler.
 */
final class ConsulSession {
  private static final Logger log = LoggerFactory.getLogger(ConsulSession.class);

  /** Hears that a session is lost; called at most once, on the renewal thread. */
  interface LossListener {
    void lost(ConsulSession session, String why);
  }

  private final Consul consul;
  private final ConsulLeadershipSettings settings;
  private final String id;
  private final ScheduledExecutorService renewer;
  private final LossListener listener;

  // Guarded by this.
  private long lastRenewedNanos;
  private boolean ended;
  private boolean paused;
  private int failedRenewals;
  private ScheduledFuture<?> next;

  private ConsulSession(Consul consul, ConsulLeadershipSettings settings, String id,
      ScheduledExecutorService renewer, LossListener listener) {
    this.consul = consul;
    this.settings = settings;
    this.id = id;
    this.renewer = renewer;
    this.listener = listener;
    this.lastRenewedNanos = System.nanoTime();
  }

  /**
   * Creates a session tied to the settings' checks with their TTL and lock-delay, released (not
   * deleted) on invalidation, and starts renewing it.
   *
   * @throws ConsulException when Consul refuses (a tied check is critical or unknown, a TTL below
   *     its minimum) or cannot be reached
   */
  static ConsulSession create(Consul consul, ConsulLeadershipSettings settings, String name,
      ScheduledExecutorService renewer, LossListener listener) {
    String id = consul.sessionClient().createSession(ImmutableSession.builder()
        .name(name)
        .ttl(settings.ttl().toSeconds() + "s")
        .lockDelay(settings.lockDelay().toSeconds() + "s")
        .behavior("release")
        .checks(settings.checks())
        .build()).getId();
    ConsulSession session = new ConsulSession(consul, settings, id, renewer, listener);
    session.schedule(settings.renewEvery());
    return session;
  }

  String id() {
    return id;
  }

  /** Test hook: stops (true) or resumes (false) renewing, as a process stuck in a long pause would. */
  synchronized void pauseRenewals(boolean pause) {
    paused = pause;
  }

  /** Stops renewing and destroys the session in Consul (best effort: else it expires after its TTL). */
  void destroy() {
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      if (next != null) {
        next.cancel(false);
      }
    }
    try {
      consul.sessionClient().destroySession(id);
    } catch (RuntimeException e) {
      log.warn("could not destroy consul session {} ({}); it expires within {}", id, e.getMessage(),
          settings.ttl().multipliedBy(2));
    }
  }

  private synchronized void schedule(Duration delay) {
    if (ended) {
      return;
    }
    try {
      next = renewer.schedule(this::renew, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      ended = true;
    }
  }

  private void renew() {
    synchronized (this) {
      if (ended) {
        return;
      }
      if (paused) {
        next = null;
        schedule(settings.renewEvery());
        return;
      }
    }
    String lost = null;
    try {
      boolean known = consul.sessionClient().renewSession(id).isPresent();
      if (known) {
        synchronized (this) {
          lastRenewedNanos = System.nanoTime();
          if (failedRenewals > 0) {
            log.info("consul session {} renewed again after {} failure(s)", id, failedRenewals);
          }
          failedRenewals = 0;
        }
      } else {
        lost = "consul no longer knows session " + id + " (a tied health check failed, or it expired)";
      }
    } catch (ConsulException e) {
      if (e.hasCode() && e.getCode() == 404) {
        lost = "consul no longer knows session " + id + " (a tied health check failed, or it expired)";
      } else {
        lost = failed(e);
      }
    } catch (RuntimeException e) {
      lost = failed(e);
    }
    if (lost == null) {
      // After a failure, retry sooner: a whole TTL without renewal counts as lost.
      schedule(failedRenewalsNow() > 0 ? settings.renewEvery().dividedBy(3) : settings.renewEvery());
      return;
    }
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
    }
    listener.lost(this, lost);
  }

  private synchronized int failedRenewalsNow() {
    return failedRenewals;
  }

  /** A renewal failed: the session counts as lost once no renewal succeeded for a whole TTL. */
  private synchronized String failed(RuntimeException e) {
    failedRenewals++;
    Duration since = Duration.ofNanos(System.nanoTime() - lastRenewedNanos);
    if (failedRenewals == 1) {
      log.warn("renewing consul session {} failed ({}); retrying until its TTL of {} runs out", id, e.getMessage(),
          settings.ttl());
    }
    if (since.compareTo(settings.ttl()) >= 0) {
      return "consul session " + id + " could not be renewed for " + since.toMillis() + " ms (TTL "
          + settings.ttl() + "): " + e.getMessage();
    }
    return null;
  }
}
