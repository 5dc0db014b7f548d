package dev.baton.master.delegation;

import dev.baton.v1.DelegateResponse;
import dev.baton.v1.ExecutionUpdate;
import io.grpc.Status;

/**
 * Hears how one delegation goes. Called on gRPC threads: implementations hand the calls over to
 * the scheduler's thread. After {@link #onError} or a terminal update nothing more arrives.
 */
public interface ExecutionListener {
  /** The instance accepted the task (or returned the execution it already had for this attempt). */
  void onAccepted(DelegateResponse response);

  void onUpdate(ExecutionUpdate update);

  /** The delegation or its watch failed before a terminal update; the attempt counts as failed. */
  void onError(Status status);
}
