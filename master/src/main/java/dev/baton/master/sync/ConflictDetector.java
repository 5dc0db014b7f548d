package dev.baton.master.sync;

import dev.baton.master.plan.PlanModel;
import dev.baton.v1.CrossOrchestratorConflict;
import dev.baton.v1.SharedState;
import java.util.List;

/**
 * Finds mismatches between the shared state the participants of a sync point brought (an API the
 * frontend expects and the backend does not serve, infrastructure asked for and not provided).
 * Runs on the scheduler's thread before the point is released: keep it quick.
 */
@FunctionalInterface
public interface ConflictDetector {

  List<CrossOrchestratorConflict> detect(PlanModel.SyncPoint point, List<SharedState> states);

  /** Finds nothing: the default until the real detectors exist. */
  static ConflictDetector none() {
    return (point, states) -> List.of();
  }
}
