package dev.baton.runtime.coordination;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The sending half of one side of a Coordinate session: numbers reliable frames from 1, keeps each
 * until the peer acknowledges it (cumulatively), writes them only while the transport is ready, and
 * re-sends the unacknowledged ones when a new stream of the same session attaches.
 *
 * <p>The buffer is bounded at {@code capacity} frames, written or not: a peer that stops reading
 * stops acknowledging, so the bound also caps what a slow consumer can make us hold. What a producer
 * does when it is full is the caller's policy (see docs/coordination-protocol.md): {@link #offer(Object)}
 * never blocks, {@link #offer(Object, Duration)} waits for acknowledgements up to a timeout.
 *
 * <p>Writes happen under this object's lock so frames reach the transport in sequence order; the
 * writer must not call back into the outbox.
 *
 * @param <T> the frame type
 */
public final class Outbox<T> {

  /** Where frames go: one stream. {@code seq} is 0 for frames that are never re-sent. */
  public interface Writer<T> {
    boolean isReady();

    /** Writes one frame; throws if the stream is broken. */
    void write(long seq, T frame);
  }

  private record Entry<T>(long seq, T frame) {}

  private final int capacity;
  private final boolean retain;
  private final List<Entry<T>> entries = new ArrayList<>();
  private long nextSeq = 1;
  private long nextToWrite = 1;
  private long acknowledged;
  private int highWater;
  private Writer<T> writer;

  /**
   * @param capacity most frames held at once (unacknowledged, or not yet written)
   * @param retain false for a legacy peer that never acknowledges: a frame is forgotten once written
   */
  public Outbox(int capacity, boolean retain) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
    }
    this.capacity = capacity;
    this.retain = retain;
  }

  /** Queues a frame and writes what the transport takes; false (nothing queued) when the buffer is full. */
  public synchronized boolean offer(T frame) {
    if (entries.size() >= capacity) {
      return false;
    }
    entries.add(new Entry<>(nextSeq++, frame));
    highWater = Math.max(highWater, entries.size());
    flush();
    return true;
  }

  /** Like {@link #offer(Object)}, but waits up to {@code wait} for acknowledgements to make room. */
  public synchronized boolean offer(T frame, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (entries.size() >= capacity) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return offer(frame);
  }

  /** The peer received every frame up to {@code upTo}: forget them. */
  public synchronized void acknowledge(long upTo) {
    if (upTo <= acknowledged) {
      return;
    }
    int drop = 0;
    while (drop < entries.size() && entries.get(drop).seq() <= upTo) {
      drop++;
    }
    entries.subList(0, drop).clear();
    acknowledged = Math.min(upTo, nextSeq - 1);
    nextToWrite = Math.max(nextToWrite, acknowledged + 1);
    notifyAll();
  }

  /**
   * Sends on a new stream: {@code first} (unsequenced, e.g. Registered) goes first, then every frame
   * after {@code peerReceived} again, in order.
   */
  public synchronized void attach(Writer<T> newWriter, long peerReceived, T first) {
    acknowledge(peerReceived);
    writer = newWriter;
    nextToWrite = entries.isEmpty() ? nextSeq : entries.get(0).seq();
    if (first != null) {
      write(0, first);
    }
    flush();
  }

  /** Forgets every frame and numbers from 1 again: a new session begins. */
  public synchronized void reset() {
    entries.clear();
    nextSeq = 1;
    nextToWrite = 1;
    acknowledged = 0;
    notifyAll();
  }

  /** Stops writing to {@code old} if it is still the current writer; buffered frames stay. */
  public synchronized void detach(Writer<T> old) {
    if (writer == old) {
      writer = null;
    }
  }

  /** Writes an unsequenced frame now if attached and ready; false if it was not written. */
  public synchronized boolean writeUnsequenced(T frame) {
    if (writer == null || !writer.isReady()) {
      return false;
    }
    return write(0, frame);
  }

  /** Writes queued frames while the transport is ready. Call on onReady. */
  public synchronized void flush() {
    while (writer != null && writer.isReady()) {
      int index = (int) (nextToWrite - (entries.isEmpty() ? nextSeq : entries.get(0).seq()));
      if (index < 0 || index >= entries.size()) {
        return;
      }
      Entry<T> e = entries.get(index);
      if (!write(e.seq(), e.frame())) {
        return;
      }
      nextToWrite = e.seq() + 1;
      if (!retain) {
        entries.remove(index);
        acknowledged = e.seq();
      }
    }
  }

  private boolean write(long seq, T frame) {
    try {
      writer.write(seq, frame);
      return true;
    } catch (RuntimeException broken) {
      // The stream died under us; the frame stays queued for the next stream of the session.
      writer = null;
      return false;
    }
  }

  /** True when written frames wait to be sent (so a piggybacked ack will go out soon). */
  public synchronized boolean hasUnwritten() {
    return !entries.isEmpty() && nextToWrite <= entries.get(entries.size() - 1).seq();
  }

  /** Frames held now (unacknowledged or unwritten). */
  public synchronized int size() {
    return entries.size();
  }

  /** The most frames ever held at once. */
  public synchronized int highWater() {
    return highWater;
  }

  public int capacity() {
    return capacity;
  }

  /** Sequence number of the last frame queued. */
  public synchronized long lastSeq() {
    return nextSeq - 1;
  }
}
