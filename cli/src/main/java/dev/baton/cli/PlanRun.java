package dev.baton.cli;

import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.SubmitPlanResponse;

/** Submitting a plan and following it to its end: shared by {@code submit} and {@code demo}. */
final class PlanRun {
  private PlanRun() {}

  /** Checks a time scale given on the command line: 0 means 1 (real estimates). */
  static double checkTimeScale(double timeScale) {
    if (!(timeScale >= 0) || timeScale > dev.baton.runtime.limits.BatonBounds.MAX_TIME_SCALE) {
      throw CliException.invalidInput(
          "--time-scale: " + timeScale + " (expected: a number > 0 and at most 1, e.g. 0.001 for one plan minute in 60 ms)");
    }
    return timeScale;
  }

  static SubmitPlanResponse submit(MasterClient client, String yaml, double timeScale) {
    return client.submit(SubmitPlanRequest.newBuilder().setPlanYaml(yaml).setTimeScale(checkTimeScale(timeScale))
        .setRequestId(java.util.UUID.randomUUID().toString()).build());
  }

  /** Submits with the runner and repository of {@code options} ({@code planFile} null for a built-in plan). */
  static SubmitPlanResponse submit(MasterClient client, String yaml, double timeScale, DroidRunOptions options,
      java.nio.file.Path planFile) {
    return client.submit(options.request(yaml, planFile).setTimeScale(checkTimeScale(timeScale))
        .setRequestId(java.util.UUID.randomUUID().toString()).build());
  }

  /** Follows the plan with {@code view} until it finishes; the view is closed afterwards. */
  static PlanStatus follow(MasterClient client, PlanStatus initial, WatchView view) {
    try (view) {
      return new PlanWatcher(client).follow(initial.getPlanId(), view::onEvent);
    }
  }

  /** 0 when the plan succeeded, 1 otherwise (failed, cancelled, degraded). */
  static int exitCodeOf(PlanState state) {
    return state == PlanState.PLAN_STATE_SUCCEEDED ? ExitCodes.OK : ExitCodes.PLAN_FAILED;
  }
}
