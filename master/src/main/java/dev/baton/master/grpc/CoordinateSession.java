package dev.baton.master.grpc;

import dev.baton.master.registry.CoordinateSink;
import dev.baton.runtime.coordination.InboundSequence;
import dev.baton.runtime.coordination.Outbox;
import dev.baton.runtime.coordination.Subjects;
import dev.baton.v1.CoordinateResponse;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The master's half of one instance's Coordinate session. It outlives the streams that carry it: a
 * stream cut and re-dialled within the session's time to live resumes it, and frames the master
 * sends in between wait in its bounded outbox. This object is the instance's {@link CoordinateSink}
 * in the registry, so the engine's frames (SyncNotify, SyncRelease) get the same guarantees.
 */
final class CoordinateSession implements CoordinateSink {
  final String id = UUID.randomUUID().toString();
  final String instanceId;
  /** A client of protocol 0: no sequence numbers or acks, nothing re-sent. */
  final boolean legacy;
  final Outbox<CoordinateResponse> outbox;
  final InboundSequence inbound = new InboundSequence();
  /** Held while a received frame is judged and handled: one at a time, in order, across streams. */
  final Object receiving = new Object();
  final Set<String> subscriptions = ConcurrentHashMap.newKeySet();
  private final Consumer<CoordinateSession> onOverflow;
  private volatile Instant detachedAt;

  /** The subject of the identity that registered the instance: only it may register the id again. */
  final String owner;

  CoordinateSession(String instanceId, boolean legacy, int capacity, Consumer<CoordinateSession> onOverflow,
      String owner) {
    this.owner = owner;
    this.instanceId = instanceId;
    this.legacy = legacy;
    this.outbox = new Outbox<>(capacity, !legacy);
    this.onOverflow = onOverflow;
  }

  /**
   * Queues a frame for the instance. Never blocks (callers are the engine's scheduler and other
   * instances' streams): when the buffer is full the session is reset instead (see the protocol doc).
   */
  @Override
  public void send(CoordinateResponse frame) {
    if (!outbox.offer(frame)) {
      onOverflow.accept(this);
    }
  }

  boolean subscribed(String subject) {
    for (String pattern : subscriptions) {
      if (Subjects.matches(pattern, subject)) {
        return true;
      }
    }
    return false;
  }

  void attached() {
    detachedAt = null;
  }

  void detached(Instant now) {
    detachedAt = now;
  }

  /** True when no stream carried it since {@code before}: it may be forgotten. */
  boolean detachedBefore(Instant before) {
    Instant d = detachedAt;
    return d != null && d.isBefore(before);
  }
}
