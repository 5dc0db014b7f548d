package dev.baton.master.plan;

import dev.baton.runtime.server.BatonException;
import io.grpc.Status;

/**
 * A plan that cannot run: one line naming the place (path in the plan and, for YAML input, the
 * line), the problem and what is expected, e.g. {@code spec.tasks[3].dependsOn[0] (line 41):
 * unknown task 'checkout-api' (expected one of the task ids: cart-api, ...)}.
 *
 * <p>Always {@code INVALID_ARGUMENT}: the plan itself is wrong, retrying it unchanged never helps.
 *
 * <p>Messages quote the offending value as written, and plans are untrusted: line breaks and other
 * control characters are shown escaped ({@code \n}), so a value cannot forge lines in a CLI's
 * output or a log, and a message longer than {@link #MAX_MESSAGE} keeps its start and its end (the
 * expected form) around a cut. Found by fuzzing ({@code PlanProtoFuzzTest}).
 */
public final class PlanException extends BatonException {
  /** Characters of a message at most; a real one is well under 500. */
  static final int MAX_MESSAGE = 2_000;

  private final String path;

  PlanException(String path, String message) {
    super(Status.Code.INVALID_ARGUMENT, bounded(escaped(message)));
    this.path = path;
  }

  private static String escaped(String message) {
    StringBuilder sb = null;
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        if (sb == null) {
          sb = new StringBuilder(message.length() + 16).append(message, 0, i);
        }
        switch (c) {
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
        }
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? message : sb.toString();
  }

  private static String bounded(String message) {
    if (message.length() <= MAX_MESSAGE) {
      return message;
    }
    int tail = MAX_MESSAGE / 4;
    int head = MAX_MESSAGE - tail - 40;
    return message.substring(0, head) + " ...[" + (message.length() - head - tail) + " characters cut]... "
        + message.substring(message.length() - tail);
  }

  /** Path of the offending value, e.g. {@code spec.tasks[2].estimate}; empty for the whole plan. */
  public String path() {
    return path;
  }
}
