package dev.baton.master.delegation;

import dev.baton.v1.DelegateResponse;
import dev.baton.v1.ExecutionUpdate;
import io.grpc.Status;

/**
 * Hears how one delegation goes. Called on gRPC and timer threads: implementations hand the calls
 * over to the scheduler's thread. After a terminal update, {@link #onDelegateFailed} or
 * {@link #onWatchLost} nothing more arrives.
 */
public interface ExecutionListener {
  /** The instance accepted the task (or returned the execution it already had for this attempt). */
  void onAccepted(DelegateResponse response);

  void onUpdate(ExecutionUpdate update);

  /** Delegate failed, after the retries its status allowed: the task never reached the instance. */
  void onDelegateFailed(Status status);

  /**
   * The watch broke or ended without a terminal update: the task may still run on the instance,
   * which is unreachable for now. Whether the instance is gone is for the breaker to decide.
   */
  void onWatchLost(Status status);
}
