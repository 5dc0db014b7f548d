package dev.baton.runtime.telemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Span names and attribute keys of Baton's traces, shared by the master and the sub-orchestrators
 * (docs/observability.md "Traces" lists them with the tree they form). Names embed the task id, a
 * bounded set per plan; attributes carry the same ids for queries.
 */
public final class SpanNames {
  public static final AttributeKey<String> PLAN_ID = AttributeKey.stringKey("baton.plan.id");
  public static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("baton.task.id");
  public static final AttributeKey<String> DOMAIN = AttributeKey.stringKey("baton.domain");
  public static final AttributeKey<String> INSTANCE_ID = AttributeKey.stringKey("baton.instance.id");
  public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("baton.attempt");
  public static final AttributeKey<String> EXECUTION_ID = AttributeKey.stringKey("baton.execution.id");
  public static final AttributeKey<String> RUNNER = AttributeKey.stringKey("baton.droid.runner");
  public static final AttributeKey<String> DROID = AttributeKey.stringKey("baton.droid.name");
  public static final AttributeKey<Long> EXIT_CODE = AttributeKey.longKey("baton.droid.exit_code");
  public static final AttributeKey<Long> TOKENS = AttributeKey.longKey("baton.droid.tokens");
  public static final AttributeKey<Double> COST_USD = AttributeKey.doubleKey("baton.droid.cost_usd");
  public static final AttributeKey<String> STATE = AttributeKey.stringKey("baton.state");
  public static final AttributeKey<Boolean> RESUMED = AttributeKey.booleanKey("baton.resumed");

  private SpanNames() {}

  public static String plan(String planId) {
    return "plan " + planId;
  }

  public static String attempt(String taskId, int attempt) {
    return "task " + taskId + " attempt " + attempt;
  }

  public static String delegate(String taskId) {
    return "delegate " + taskId;
  }

  public static String execute(String taskId) {
    return "execute " + taskId;
  }

  public static String droid(String runner, String taskId) {
    return "droid " + runner + " " + taskId;
  }
}
