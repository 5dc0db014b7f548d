package dev.baton.runtime.execution;

import dev.baton.v1.ExecutionState;

/**
 * The answer to a delegation.
 *
 * @param queuePosition 1-based while QUEUED, else 0
 * @param created false when the (plan, task, attempt) was already known
 */
public record Admission(String executionId, ExecutionState state, int queuePosition, boolean created) {}
