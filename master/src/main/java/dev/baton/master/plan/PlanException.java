package dev.baton.master.plan;

import dev.baton.runtime.server.BatonException;
import io.grpc.Status;

/**
 * A plan that cannot run: one line naming the place (path in the plan and, for YAML input, the
 * line), the problem and what is expected, e.g. {@code spec.tasks[3].dependsOn[0] (line 41):
 * unknown task 'checkout-api' (expected one of the task ids: cart-api, ...)}.
 *
 * <p>Always {@code INVALID_ARGUMENT}: the plan itself is wrong, retrying it unchanged never helps.
 */
public final class PlanException extends BatonException {
  private final String path;

  PlanException(String path, String message) {
    super(Status.Code.INVALID_ARGUMENT, message);
    this.path = path;
  }

  /** Path of the offending value, e.g. {@code spec.tasks[2].estimate}; empty for the whole plan. */
  public String path() {
    return path;
  }
}
