package dev.baton.runtime.coordination;

/**
 * The receiving half of one side of a Coordinate session: accepts each sequenced frame once and in
 * order, so frames re-sent after a resume are dropped when they were already received.
 */
public final class InboundSequence {

  /** What to do with a received frame. */
  public enum Verdict {
    /** New and next in order (or unsequenced): process it. */
    DELIVER,
    /** Already received: drop it. */
    DUPLICATE,
    /** A frame is missing before it: the session is broken. */
    GAP
  }

  private long last;

  /** Judges frame {@code seq} (0 = unsequenced, always delivered) and records it when delivered. */
  public synchronized Verdict accept(long seq) {
    if (seq == 0) {
      return Verdict.DELIVER;
    }
    if (seq <= last) {
      return Verdict.DUPLICATE;
    }
    if (seq != last + 1) {
      return Verdict.GAP;
    }
    last = seq;
    return Verdict.DELIVER;
  }

  /** The highest sequence number delivered: the cumulative acknowledgement. */
  public synchronized long last() {
    return last;
  }

  /** Starts a new session. */
  public synchronized void reset() {
    last = 0;
  }
}
