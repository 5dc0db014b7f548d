package dev.baton.master.leader;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The leadership of a single master on an embedded journal: elected at once on {@link #start},
 * never deposed but by {@link #resign} or {@link #close}. A second master on the same journal is
 * refused by the journal itself (it holds the file), not here. After a resign (the journal fenced
 * this master) it is elected again, as the only contender: the master then claims a new epoch.
 *
 * <p>Threads: the listener is called on this object's own single thread, in order.
 */
public final class EmbeddedLeadership implements Leadership {
  private final String address;
  private final ExecutorService events = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "leadership-events-embedded");
    t.setDaemon(true);
    return t;
  });

  // Guarded by this.
  private Listener listener;
  private boolean leader;
  private boolean closed;

  /** @param address this master's client address, what {@link #leaderAddress} names */
  public EmbeddedLeadership(String address) {
    this.address = Objects.requireNonNull(address, "address");
  }

  @Override
  public synchronized void start(Listener listener) {
    if (this.listener != null) {
      throw new IllegalStateException("already started");
    }
    this.listener = Objects.requireNonNull(listener, "listener");
    if (!closed) {
      leader = true;
      events.execute(listener::elected);
    }
  }

  @Override
  public synchronized Optional<String> leaderAddress() {
    return leader ? Optional.of(address) : Optional.empty();
  }

  @Override
  public synchronized boolean isLeader() {
    return leader;
  }

  /** Deposes this master, then elects it again unless closed meanwhile (it is the only contender). */
  @Override
  public synchronized void resign(String why) {
    if (!leader || closed) {
      return;
    }
    Listener l = listener;
    leader = false;
    events.execute(() -> l.deposed("resigned: " + why));
    events.execute(() -> {
      synchronized (this) {
        if (closed) {
          return;
        }
        leader = true;
      }
      l.elected();
    });
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (leader) {
        leader = false;
        Listener l = listener;
        events.execute(() -> l.deposed("closed"));
      }
    }
    events.shutdown();
    try {
      events.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
