package dev.baton.runtime.server;

import io.grpc.Metadata;
import io.grpc.Status;
import java.util.OptionalLong;

/**
 * The master's fencing token on the wire: every call a leading master makes to a sub-orchestrator
 * carries {@code baton-master-epoch: N} (the epoch it claimed in the journal), and a sub-orchestrator
 * refuses a call whose epoch is older than the highest it has seen. A call without the header is
 * accepted (grpcurl, a master without a journal epoch, an older master): the header fences masters
 * that claim epochs, it does not authenticate callers.
 *
 * <p>The refusal is FAILED_PRECONDITION (fix state first: this master must step down, retrying
 * cannot help) with the newer epoch in the trailer of the same key, so the master can tell a stale
 * refusal from any other and step down.
 */
public final class MasterEpoch {
  /**
   * The HTTP header a task branch's push carries the delegating master's epoch in (a
   * sub-orchestrator's {@code git push} to the master's served repository).
   */
  public static final String PUSH_HEADER = "Baton-Master-Epoch";

  /** Request header (and refusal trailer): the epoch as a decimal number >= 1. */
  public static final Metadata.Key<String> KEY = Metadata.Key.of("baton-master-epoch", Metadata.ASCII_STRING_MARSHALLER);

  private MasterEpoch() {}

  /** Writes {@code epoch} into {@code headers}; 0 (no epoch) writes nothing. */
  public static void write(Metadata headers, long epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch: " + epoch + " (expected: >= 0, 0 for none)");
    }
    if (epoch > 0) {
      headers.put(KEY, Long.toString(epoch));
    }
  }

  /**
   * The epoch in {@code headers}: empty when absent.
   *
   * @throws IllegalArgumentException naming the bad value when present but not a number >= 1
   */
  public static OptionalLong read(Metadata headers) {
    String text = headers == null ? null : headers.get(KEY);
    if (text == null) {
      return OptionalLong.empty();
    }
    try {
      long epoch = Long.parseLong(text.trim());
      if (epoch >= 1) {
        return OptionalLong.of(epoch);
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException(KEY.name() + ": '" + text + "' (expected: a decimal number >= 1, or no header)");
  }

  /** The refusal of a call from a master older than one already seen. */
  public static Status stale(long epoch, long newest) {
    return Status.FAILED_PRECONDITION.withDescription("stale master: epoch " + epoch + " is older than " + newest
        + ", which a newer master already used; this master must step down");
  }

  /** The trailer of a stale refusal: the newer epoch. */
  public static Metadata staleTrailers(long newest) {
    Metadata trailers = new Metadata();
    write(trailers, newest);
    return trailers;
  }

  /**
   * The newer epoch when {@code status} and {@code trailers} are a stale refusal, else empty: only
   * FAILED_PRECONDITION with the epoch trailer counts, so other failures never depose a master.
   */
  public static OptionalLong newerFrom(Status status, Metadata trailers) {
    if (status == null || status.getCode() != Status.Code.FAILED_PRECONDITION || trailers == null) {
      return OptionalLong.empty();
    }
    try {
      return read(trailers);
    } catch (IllegalArgumentException garbled) {
      return OptionalLong.empty();
    }
  }
}
