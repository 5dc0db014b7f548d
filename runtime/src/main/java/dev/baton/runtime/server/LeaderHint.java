package dev.baton.runtime.server;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;

/**
 * Where the leading master is, as a standby master says it: a standby answers calls it cannot serve
 * (the Coordinate stream, writes) with UNAVAILABLE and the trailer {@code baton-leader: host:port}
 * when it knows the leader. A client then dials that address next instead of trying its list in
 * turn; without the trailer it tries its next address after its backoff.
 */
public final class LeaderHint {
  /** Trailer with the leader's client address, {@code host:port}. */
  public static final Metadata.Key<String> KEY = Metadata.Key.of("baton-leader", Metadata.ASCII_STRING_MARSHALLER);

  private LeaderHint() {}

  /**
   * The standby's answer: UNAVAILABLE naming this master and the leader, with the trailer when the
   * leader is known (null or blank: not known yet, no trailer).
   */
  public static StatusRuntimeException standby(String masterId, String leaderAddress) {
    boolean known = leaderAddress != null && !leaderAddress.isBlank();
    Metadata trailers = new Metadata();
    if (known) {
      trailers.put(KEY, leaderAddress.trim());
    }
    String description = "master " + masterId + " is a standby and does not lead; "
        + (known ? "the leader is at " + leaderAddress.trim() + " (dial it)" : "no leader is elected yet (retry shortly)");
    return Status.UNAVAILABLE.withDescription(description).asRuntimeException(trailers);
  }

  /**
   * The leader named by a failed call: the trailer of an UNAVAILABLE answer, when it is a plausible
   * {@code host:port}; empty for any other failure.
   */
  public static Optional<String> from(Throwable error) {
    Status status = Status.fromThrowable(error);
    if (status.getCode() != Status.Code.UNAVAILABLE) {
      return Optional.empty();
    }
    Metadata trailers = Status.trailersFromThrowable(error);
    String address = trailers == null ? null : trailers.get(KEY);
    return valid(address) ? Optional.of(address.trim()) : Optional.empty();
  }

  /** {@code host:port} with a port of 1..65535. */
  static boolean valid(String address) {
    if (address == null || address.isBlank()) {
      return false;
    }
    String a = address.trim();
    int colon = a.lastIndexOf(':');
    if (colon <= 0 || colon == a.length() - 1) {
      return false;
    }
    try {
      int port = Integer.parseInt(a.substring(colon + 1));
      return port >= 1 && port <= 65_535;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
