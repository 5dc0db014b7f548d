package dev.baton.runtime.droid;

import dev.baton.v1.DelegationStatus;
import dev.baton.v1.Deliverable;
import dev.baton.v1.ExecutionIssue;
import dev.baton.v1.IssueSeverity;
import java.util.List;
import java.util.Objects;

/**
 * How a droid's work ended.
 *
 * @param message one line a person can act on (why it failed, or what it produced)
 * @param exitCode the command's exit code; 0 for droids without a process, -1 when killed
 * @param outputBytes bytes of output the droid produced in total
 * @param outputTruncated whether {@code outputTail} holds only the end of the output
 */
public record DroidOutcome(
    DelegationStatus status,
    String message,
    List<Deliverable> deliverables,
    List<ExecutionIssue> issues,
    int exitCode,
    long outputBytes,
    boolean outputTruncated,
    String outputTail) {

  public DroidOutcome {
    Objects.requireNonNull(status, "status");
    message = message == null ? "" : message;
    deliverables = List.copyOf(deliverables);
    issues = List.copyOf(issues);
    outputTail = outputTail == null ? "" : outputTail;
  }

  public static DroidOutcome failed(String message) {
    return new DroidOutcome(
        DelegationStatus.DELEGATION_STATUS_FAILED, message, List.of(),
        List.of(issue(IssueSeverity.ISSUE_SEVERITY_ERROR, message)), 0, 0, false, "");
  }

  public static DroidOutcome cancelled(String message) {
    return new DroidOutcome(
        DelegationStatus.DELEGATION_STATUS_CANCELLED, message, List.of(),
        List.of(issue(IssueSeverity.ISSUE_SEVERITY_WARNING, message)), 0, 0, false, "");
  }

  static ExecutionIssue issue(IssueSeverity severity, String message) {
    return ExecutionIssue.newBuilder().setSeverity(severity).setMessage(message).build();
  }
}
