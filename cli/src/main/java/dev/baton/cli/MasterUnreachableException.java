package dev.baton.cli;

/** The master at an address could not be reached (connection refused, or no answer in time). */
final class MasterUnreachableException extends RuntimeException {
  MasterUnreachableException(String address, Throwable cause) {
    super(
        "cannot reach the master at " + address
            + " (start one with `baton up` or pass --master)",
        cause);
  }
}
