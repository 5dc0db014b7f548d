package dev.baton.bench.suite;

/**
 * One of figure 9's no-op plans, run the same way by Baton and by its peer: {@code tasks} tasks
 * that do nothing, either all independent (started at once) or one chain (each waits for the one
 * before).
 *
 * @param label how the report names it ("1,000 parallel")
 * @param tasks how many tasks, 1 to {@link #MAX_TASKS}
 * @param chain true: a chain, each task after the previous one; false: all in parallel
 */
record NoOpPlan(String label, int tasks, boolean chain) {
  /**
   * The bound of both shapes: Temporal refuses more than 2,000 pending activities in one workflow,
   * so a larger parallel plan would compare a failure with a result (a chain has one pending at a time,
   * but the same bound keeps one rule and keeps a run within minutes).
   */
  static final int MAX_TASKS = 2_000;

  NoOpPlan {
    if (tasks < 1 || tasks > MAX_TASKS) {
      throw new IllegalArgumentException("tasks of '" + label + "': " + tasks + " (expected: 1.." + MAX_TASKS
          + "; Temporal refuses more than 2,000 pending activities in one workflow)");
    }
  }

  static NoOpPlan one() {
    return new NoOpPlan("one task", 1, false);
  }

  static NoOpPlan parallel(int tasks) {
    return new NoOpPlan(String.format(java.util.Locale.ROOT, "%,d parallel", tasks), tasks, false);
  }

  static NoOpPlan chain(int tasks) {
    return new NoOpPlan("chain of " + tasks, tasks, true);
  }

  /**
   * The plan as Baton runs it: no-op tasks (sim droid at {@link PlanGen#NO_OP_SCALE}) all on
   * {@code domain}, so that one sub-orchestrator does the work, as one worker does on the peer's side.
   */
  dev.baton.v1.Plan toBatonPlan(String domain) {
    return PlanGen.noOpsOn(chain ? "noop-chain" : "noop-parallel", tasks, domain, chain);
  }
}
