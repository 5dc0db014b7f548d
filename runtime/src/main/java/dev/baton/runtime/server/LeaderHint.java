package dev.baton.runtime.server;

import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Optional;

/**
 * Where the leading master is, as a standby tells it: the trailer {@code baton-leader: host:port}
 * on its UNAVAILABLE answers to writes (SubmitPlan, CancelPlan) and to a sub-orchestrator's
 * Coordinate stream. Clients that follow it reach the leader in one hop; without it they try the
 * next address they know.
 */
public final class LeaderHint {
  /** The trailer's key. */
  public static final Metadata.Key<String> KEY = Metadata.Key.of("baton-leader", Metadata.ASCII_STRING_MARSHALLER);

  private LeaderHint() {}

  /** The leader a failed call's trailers name, if any. */
  public static Optional<String> of(Throwable t) {
    Metadata trailers = Status.trailersFromThrowable(t);
    if (trailers == null || Status.fromThrowable(t).getCode() != Status.Code.UNAVAILABLE) {
      return Optional.empty();
    }
    String leader = trailers.get(KEY);
    return leader == null || leader.isBlank() ? Optional.empty() : Optional.of(leader.trim());
  }
}
