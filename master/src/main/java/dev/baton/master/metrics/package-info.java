/**
 * The master's Prometheus series that come from what happens (plan events, breaker transitions,
 * the registry's instances): recorded on a micrometer registry, the process's global one in
 * production. Labels are bounded by the deployment (domain, state, check, instance), never plan or
 * task ids. Every series is listed in docs/observability.md ("Metrics").
 */
package dev.baton.master.metrics;
