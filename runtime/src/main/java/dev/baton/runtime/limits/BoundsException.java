package dev.baton.runtime.limits;

/**
 * A field over its bound: an {@link IllegalArgumentException}, so that the servers' one status
 * mapping answers INVALID_ARGUMENT with this message (the field, its size and the bound).
 */
public final class BoundsException extends IllegalArgumentException {
  private final String field;

  public BoundsException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The field's path in the message, e.g. {@code orchestrator.id}. */
  public String field() {
    return field;
  }
}
