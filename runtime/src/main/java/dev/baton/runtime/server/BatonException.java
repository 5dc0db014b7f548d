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

  public Status.Code code() {
    return code;
  }

  public Status status() {
    return Status.fromCode(code).withDescription(getMessage());
  }
}
