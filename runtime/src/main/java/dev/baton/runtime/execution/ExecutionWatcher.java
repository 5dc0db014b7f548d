package dev.baton.runtime.execution;

import dev.baton.v1.ExecutionUpdate;

/**
 * Receives one execution's updates in order. Called while the manager holds its lock, so an
 * implementation must not block (a gRPC stream observer's onNext buffers and is fine).
 */
public interface ExecutionWatcher {
  void onUpdate(ExecutionUpdate update);

  /** After the terminal update; no call follows. */
  void onEnd();
}
