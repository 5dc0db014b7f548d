package dev.baton.runtime.limits;

import java.util.HashMap;
import java.util.Map;

/**
 * Baton's bounds on every message a server receives: one table shared by the master and the
 * sub-orchestrators, applied to every request message by {@link BoundsInterceptor} and to plans
 * by the plan compiler (so {@code baton validate} refuses what SubmitPlan would). The figures are
 * those documented on the proto fields and in docs/security.md ("Limits and bounds").
 */
public final class BatonBounds {
  /** A plan, as YAML text or as a serialized {@code baton.v1.Plan}: 1 MiB. */
  public static final int PLAN_BYTES = 1 << 20;
  /** Tasks of one plan: a generated 10,000-task plan with one dependency each is about 0.95 MiB of YAML. */
  public static final int PLAN_TASKS = 10_000;
  /** Any string field no rule names: 64 KiB. */
  public static final int TEXT_BYTES = 64 * 1024;
  /** Any list or map no rule names. */
  public static final int ITEMS = 10_000;
  /** One document (a shared document, a deliverable's content, a simulated file): 1 MiB. */
  public static final int DOCUMENT_BYTES = 1 << 20;
  /** A whole delegation package, documents included: 4 MiB. */
  public static final int PACKAGE_BYTES = 4 << 20;
  /** Instance, session and other ids. */
  public static final int ID_BYTES = 128;
  /** A name or a short word (a keyword, a droid, a subject). */
  public static final int NAME_BYTES = 256;
  /** A duration carried in milliseconds (a simulated task, a command's timeout): at most 7 days. */
  public static final long MAX_DURATION_MILLIS = 7L * 24 * 3600 * 1000;
  /**
   * The largest time scale: 1, plan time as estimated (a scale only speeds simulated droids up;
   * 0 means 1). With durations of at most 7 days, nothing scaled can outgrow the 7 days either.
   */
  public static final double MAX_TIME_SCALE = 1;
  /** Tasks an instance may say it runs or queues, and the capacity it may claim. */
  public static final int MAX_CAPACITY = 10_000;
  /** Executions a Register may report (the client sends at most 4,096). */
  public static final int HELD_EXECUTIONS = 8_192;
  /** Droids an instance may describe. */
  public static final int DROIDS = 256;

  /** An instance id: {@code backend-orchestrator-1a2b3c}. */
  public static final String INSTANCE_ID_RULE = "1 to 128 characters of A-Z a-z 0-9 . _ : -, starting with a letter or digit";
  public static final String DOMAIN_RULE = "a domain: a lowercase letter, then up to 31 of a-z 0-9 -";

  private static final MessageBounds STANDARD = standard();

  private BatonBounds() {}

  /** The bounds every Baton server applies. */
  public static MessageBounds standard() {
    if (STANDARD != null) {
      return STANDARD;
    }
    Map<String, FieldRule> r = new HashMap<>();
    FieldRule id = FieldRule.pattern("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}", INSTANCE_ID_RULE, ID_BYTES);
    FieldRule words = new FieldRule(NAME_BYTES, 1_024, null, null, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    FieldRule document = FieldRule.text(DOCUMENT_BYTES);
    FieldRule count = FieldRule.range(0, MAX_CAPACITY);
    FieldRule nonNegative = FieldRule.range(0, Double.MAX_VALUE);
    FieldRule millis = FieldRule.range(0, MAX_DURATION_MILLIS);

    // Register and the instance it describes.
    r.put("baton.v1.SubOrchestratorDescriptor.id", id);
    r.put("baton.v1.SubOrchestratorDescriptor.name", FieldRule.text(NAME_BYTES));
    r.put("baton.v1.SubOrchestratorDescriptor.role", FieldRule.text(NAME_BYTES));
    r.put("baton.v1.SubOrchestratorDescriptor.address", FieldRule.text(NAME_BYTES + 6));
    r.put("baton.v1.SubOrchestratorDescriptor.droids", FieldRule.items(DROIDS));
    r.put("baton.v1.Specialization.domain", FieldRule.pattern("[a-z][a-z0-9-]{0,31}", DOMAIN_RULE, 32));
    r.put("baton.v1.Specialization.frameworks", words);
    r.put("baton.v1.Specialization.platforms", words);
    r.put("baton.v1.Specialization.expertise", words);
    r.put("baton.v1.SubOrchestratorCapabilities.domain_expertise", words);
    r.put("baton.v1.SubOrchestratorCapabilities.max_concurrent_tasks", count);
    r.put("baton.v1.Droid.name", FieldRule.text(NAME_BYTES));
    r.put("baton.v1.Droid.expertise", words);
    r.put("baton.v1.Droid.description", FieldRule.text(4 * 1024));
    r.put("baton.v1.Communication.peer_orchestrators", FieldRule.items(1_024));
    r.put("baton.v1.Register.session_id", FieldRule.text(ID_BYTES));
    r.put("baton.v1.Register.held_executions", FieldRule.items(HELD_EXECUTIONS));
    r.put("baton.v1.Heartbeat.instance_id", FieldRule.text(ID_BYTES));
    // Heartbeat load.
    r.put("baton.v1.LoadMetrics.current_tasks", count);
    r.put("baton.v1.LoadMetrics.queue_length", FieldRule.range(0, 1_000_000));
    r.put("baton.v1.LoadMetrics.max_concurrent_tasks", count);
    r.put("baton.v1.LoadMetrics.recent_failure_rate", FieldRule.range(0, 1));
    r.put("baton.v1.LoadMetrics.avg_completion_time_seconds", FieldRule.range(0, MAX_DURATION_MILLIS / 1000.0));
    r.put("baton.v1.LoadMetrics.completed_tasks", nonNegative);
    r.put("baton.v1.LoadMetrics.failed_tasks", nonNegative);
    r.put("baton.v1.LoadMetrics.cost_usd_total", nonNegative);
    r.put("baton.v1.LoadMetrics.tokens_total", nonNegative);
    r.put("baton.v1.LoadMetrics.worktrees_active", count);
    r.put("baton.v1.LoadMetrics.worktrees_kept", nonNegative);
    r.put("baton.v1.LoadMetrics.worktrees_kept_bytes", nonNegative);
    // Messages between orchestrators (Coordinate and Peer Deliver).
    r.put("baton.v1.CrossOrchestratorMessage.from_orchestrator", FieldRule.text(ID_BYTES));
    r.put("baton.v1.CrossOrchestratorMessage.to_orchestrator", FieldRule.text(ID_BYTES));
    r.put("baton.v1.CrossOrchestratorMessage.correlation_id", FieldRule.text(ID_BYTES));
    r.put("baton.v1.MessagePayload.subject", FieldRule.text(NAME_BYTES));
    r.put("baton.v1.MessagePayload.timeout_seconds", FieldRule.range(0, MAX_DURATION_MILLIS / 1000.0));
    r.put("baton.v1.SharedDocument.content", document);
    // Delegate and Execute.
    r.put("baton.v1.SimulationSpec.duration_millis", millis);
    r.put("baton.v1.SimulationSpec.fail_first_attempts", FieldRule.range(0, 100));
    r.put("baton.v1.SimulationSpec.documents", document.withItems(1_024));
    r.put("baton.v1.CommandSpec.timeout_millis", millis);
    r.put("baton.v1.SharedArtifact.content", document);
    r.put("baton.v1.Deliverable.content", document);
    r.put("baton.v1.DelegationPackage.attempt", FieldRule.range(0, 1_000));
    // W3C traceparent and tracestate (docs/observability.md "Traces"): a few short entries.
    r.put("baton.v1.DelegateRequest.trace_context", FieldRule.items(8));
    r.put("baton.v1.DelegateRequest.TraceContextEntry.key", FieldRule.text(NAME_BYTES));
    r.put("baton.v1.DelegateRequest.TraceContextEntry.value", FieldRule.text(1_024));
    r.put("baton.v1.DelegationPackage.estimate_minutes", FieldRule.range(0, MAX_DURATION_MILLIS / 60_000.0));
    // SubmitPlan, ValidatePlan and the plan itself.
    r.put("baton.v1.SubmitPlanRequest.plan_yaml", FieldRule.text(PLAN_BYTES));
    r.put("baton.v1.ValidatePlanRequest.plan_yaml", FieldRule.text(PLAN_BYTES));
    r.put("baton.v1.SubmitPlanRequest.time_scale", FieldRule.range(0, MAX_TIME_SCALE));
    r.put("baton.v1.SubmitPlanRequest.request_id", FieldRule.text(ID_BYTES));
    r.put("baton.v1.PlanSpec.tasks", FieldRule.items(PLAN_TASKS));
    r.put("baton.v1.TaskSimulationSpec.documents", document.withItems(1_024));
    r.put("baton.v1.TaskSimulationSpec.remediation", document.withItems(1_024));

    Map<String, Integer> totals = Map.of(
        "baton.v1.Plan", PLAN_BYTES,
        "baton.v1.DelegationPackage", PACKAGE_BYTES);
    return new MessageBounds(TEXT_BYTES, ITEMS, r, totals);
  }
}
