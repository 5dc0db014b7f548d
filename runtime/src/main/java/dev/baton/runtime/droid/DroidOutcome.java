package dev.baton.runtime.droid;

import dev.baton.v1.DelegationResult;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.Deliverable;
import dev.baton.v1.ExecutionIssue;
import dev.baton.v1.IssueSeverity;
import dev.baton.v1.Usage;
import java.util.List;
import java.util.Objects;

/**
 * How a droid's work ended.
 *
 * @param message one line a person can act on (why it failed, or what it produced)
 * @param exitCode the command's exit code; 0 for droids without a process, -1 when killed
 * @param outputBytes bytes of output the droid produced in total
 * @param outputTruncated whether {@code outputTail} holds only the end of the output
 * @param usage tokens, turns and cost the run spent (partial when stopped); default instance for
 *     droids without a model
 * @param sessionId the agent session, to resume on a retry; empty when the runner has none
 * @param budgetExceeded "usd", "tokens", "turns" or "wall" when a budget stopped the run, else empty
 * @param details what the run's pipeline adds to the result: git (commit, diffstat), the rendered
 *     prompt, the verify command's result
 */
public record DroidOutcome(
    DelegationStatus status,
    String message,
    List<Deliverable> deliverables,
    List<ExecutionIssue> issues,
    int exitCode,
    long outputBytes,
    boolean outputTruncated,
    String outputTail,
    Usage usage,
    String sessionId,
    String budgetExceeded,
    DelegationResult details) {

  public DroidOutcome {
    Objects.requireNonNull(status, "status");
    message = message == null ? "" : message;
    deliverables = List.copyOf(deliverables);
    issues = List.copyOf(issues);
    outputTail = outputTail == null ? "" : outputTail;
    usage = usage == null ? Usage.getDefaultInstance() : usage;
    sessionId = sessionId == null ? "" : sessionId;
    budgetExceeded = budgetExceeded == null ? "" : budgetExceeded;
    details = details == null ? DelegationResult.getDefaultInstance() : details;
  }

  /** An outcome of an agent run. */
  public DroidOutcome(
      DelegationStatus status,
      String message,
      List<Deliverable> deliverables,
      List<ExecutionIssue> issues,
      int exitCode,
      long outputBytes,
      boolean outputTruncated,
      String outputTail,
      Usage usage,
      String sessionId,
      String budgetExceeded) {
    this(status, message, deliverables, issues, exitCode, outputBytes, outputTruncated, outputTail, usage,
        sessionId, budgetExceeded, null);
  }

  /** An outcome of a droid without a model (no usage, no session). */
  public DroidOutcome(
      DelegationStatus status,
      String message,
      List<Deliverable> deliverables,
      List<ExecutionIssue> issues,
      int exitCode,
      long outputBytes,
      boolean outputTruncated,
      String outputTail) {
    this(status, message, deliverables, issues, exitCode, outputBytes, outputTruncated, outputTail,
        Usage.getDefaultInstance(), "", "", null);
  }

  /** This outcome with the run's usage and agent session. */
  public DroidOutcome withUsage(Usage newUsage, String newSessionId) {
    return new DroidOutcome(status, message, deliverables, issues, exitCode, outputBytes, outputTruncated,
        outputTail, newUsage, newSessionId, budgetExceeded, details);
  }

  /** This outcome with another status and message (verify overruling the agent, a failed push). */
  public DroidOutcome withStatus(DelegationStatus newStatus, String newMessage, List<ExecutionIssue> moreIssues) {
    List<ExecutionIssue> all = new java.util.ArrayList<>(issues);
    all.addAll(moreIssues);
    return new DroidOutcome(newStatus, newMessage, deliverables, all, exitCode, outputBytes, outputTruncated,
        outputTail, usage, sessionId, budgetExceeded, details);
  }

  /** This outcome with the pipeline's additions to the result (git, prompt, verify). */
  public DroidOutcome withDetails(DelegationResult newDetails) {
    return new DroidOutcome(status, message, deliverables, issues, exitCode, outputBytes, outputTruncated,
        outputTail, usage, sessionId, budgetExceeded, newDetails);
  }

  /** This outcome with other deliverables. */
  public DroidOutcome withDeliverables(List<Deliverable> newDeliverables) {
    return new DroidOutcome(status, message, newDeliverables, issues, exitCode, outputBytes, outputTruncated,
        outputTail, usage, sessionId, budgetExceeded, details);
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

  public static ExecutionIssue issue(IssueSeverity severity, String message) {
    return ExecutionIssue.newBuilder().setSeverity(severity).setMessage(message).build();
  }
}
