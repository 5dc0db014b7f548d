package dev.baton.cli;

/**
 * No master could be reached, or none would take a write, within the retry time: exit code 3 and
 * one line saying what each address answered and what to do.
 */
final class MasterUnreachableException extends RuntimeException {
  MasterUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
