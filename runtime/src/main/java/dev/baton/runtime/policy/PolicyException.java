package dev.baton.runtime.policy;

/**
 * A policy file that cannot be used: the message reads {@code FILE:LINE: FIELD: PROBLEM (expected:
 * ...)}, like a bad droid definition, so the operator can go to the line and fix it.
 */
public final class PolicyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public PolicyException(String file, int line, String field, String problem) {
    super(file + (line > 0 ? ":" + line : "") + ": " + (field.isEmpty() ? "" : field + ": ") + problem);
  }
}
