package dev.baton.runtime.server;

import io.grpc.Status;

/**
 * A failure with a known gRPC meaning and a message that names the problem and the fix.
 *
 * <p>Use the factories: {@link #invalidArgument} when the request itself is wrong,
 * {@link #failedPrecondition} when the system must change state first, {@link #notFound},
 * {@link #unavailable} when retrying this very call may succeed.
 */
public class BatonException extends RuntimeException {
  private final Status.Code code;
  /** Sent with the status (a standby's {@link LeaderHint}); empty for most. */
  private final io.grpc.Metadata trailers = new io.grpc.Metadata();

  public BatonException(Status.Code code, String message) {
    super(message);
    this.code = code;
  }

  public BatonException(Status.Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public static BatonException invalidArgument(String message) {
    return new BatonException(Status.Code.INVALID_ARGUMENT, message);
  }

  public static BatonException failedPrecondition(String message) {
    return new BatonException(Status.Code.FAILED_PRECONDITION, message);
  }

  public static BatonException notFound(String message) {
    return new BatonException(Status.Code.NOT_FOUND, message);
  }

  public static BatonException unavailable(String message) {
    return new BatonException(Status.Code.UNAVAILABLE, message);
  }

  /**
   * A standby master's answer to a write: UNAVAILABLE, naming the leader in the message and in
   * the {@link LeaderHint#KEY} trailer so that clients can go there (empty when none leads now).
   */
  public static BatonException notLeader(String message, String leaderAddress) {
    BatonException e = new BatonException(Status.Code.UNAVAILABLE, message);
    if (leaderAddress != null && !leaderAddress.isEmpty()) {
      e.trailers.put(LeaderHint.KEY, leaderAddress);
    }
    return e;
  }

  /** Trailers to send with the status. */
  public io.grpc.Metadata trailers() {
    return trailers;
  }

  public Status.Code code() {
    return code;
  }

  public Status status() {
    return Status.fromCode(code).withDescription(getMessage());
  }
}
