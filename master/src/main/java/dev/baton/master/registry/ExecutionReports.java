package dev.baton.master.registry;

import dev.baton.v1.HeldExecution;
import java.util.List;

/**
 * Hears what each sub-orchestrator holds when it registers (first time, after a reconnect, or with
 * a master that just took over): every queued and running execution and the finished ones it still
 * retains ({@code Register.held_executions}, bounded, see coordination.proto). The engine reconciles
 * its journal with it: re-attaches running attempts instead of delegating them again, reads the
 * outcome of those that finished while no master listened.
 *
 * <p>Called on the gRPC thread that received the Register, after the instance is in the registry
 * and before its Registered answer is sent; must not block (post to the scheduler).
 */
@FunctionalInterface
public interface ExecutionReports {
  /** Ignores every report (a master that reconciles nothing). */
  ExecutionReports NONE = (instanceId, held, truncated) -> { };

  /**
   * @param instanceId the registering instance
   * @param held what it holds, queued and running first, then finished (newest first)
   * @param truncated true when the instance left finished executions out (its bound)
   */
  void onExecutionsReported(String instanceId, List<HeldExecution> held, boolean truncated);
}
