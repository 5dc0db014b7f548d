package dev.baton.master.conflict;

import dev.baton.master.plan.PlanModel;
import dev.baton.v1.CrossOrchestratorConflict;
import java.util.List;

/**
 * One check a sync point can name. Implementations are pure functions of the documents: no I/O,
 * no clock, sorted output, and a document they cannot read becomes a {@code document} conflict
 * rather than an exception.
 */
interface CheckDetector {
  PlanModel.Check check();

  List<CrossOrchestratorConflict> detect(SharedDocuments documents);
}
