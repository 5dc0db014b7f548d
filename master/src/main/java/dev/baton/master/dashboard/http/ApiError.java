package dev.baton.master.dashboard.http;

import io.grpc.Status;

/**
 * A refused request: its HTTP status, the gRPC code name the JSON error carries and a one-line
 * message. {@link #of(Status)} is the one place gRPC statuses become HTTP statuses.
 */
final class ApiError extends RuntimeException {
  final int http;
  final String code;
  /** Extra JSON members (already encoded, without braces), e.g. {@code "leader":"h:p"}; empty for none. */
  final String extra;

  ApiError(int http, String code, String message) {
    this(http, code, message, "");
  }

  ApiError(int http, String code, String message, String extra) {
    super(oneLine(message), null, false, false);
    this.http = http;
    this.code = code;
    this.extra = extra;
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, "INVALID_ARGUMENT", message);
  }

  static ApiError notFound(String message) {
    return new ApiError(404, "NOT_FOUND", message);
  }

  /** The HTTP form of a gRPC status (what the same gRPC call would have answered). */
  static ApiError of(Status status) {
    int http = switch (status.getCode()) {
      case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED -> 409;
      case RESOURCE_EXHAUSTED -> 429;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
      default -> 500;
    };
    String message = status.getDescription() == null ? status.getCode().name() : status.getDescription();
    return new ApiError(http, status.getCode().name(), message);
  }

  private static String oneLine(String s) {
    String line = s == null ? "" : s.replaceAll("[\\r\\n]+", " ").strip();
    return line.length() > 1000 ? line.substring(0, 1000) + "..." : line;
  }
}
