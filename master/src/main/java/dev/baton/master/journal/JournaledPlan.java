package dev.baton.master.journal;

import dev.baton.master.events.PlanReducer;
import dev.baton.v1.PlanState;
import java.time.Instant;
import java.util.Optional;

/**
 * A plan's row in the journal: kept in the same transaction as its events, so listing and
 * compaction never read events.
 *
 * @param state the plan's state when finished, else {@code PLAN_STATE_RUNNING} (the journal does not fold events)
 * @param finishedAt empty while the plan runs
 */
public record JournaledPlan(String planId, Instant acceptedAt, long lastSequence, PlanState state,
    Optional<Instant> finishedAt) {

  public boolean finished() {
    return finishedAt.isPresent() && PlanReducer.isFinished(state);
  }
}
