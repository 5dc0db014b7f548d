/** Keeping failing sub-orchestrator instances out of the way: one circuit breaker per instance, call deadlines and safe retries, the breaker-aware view of the registry. */
package dev.baton.master.resilience;
