/**
 * What a process exports for Prometheus: {@link dev.baton.runtime.metrics.MetricsPort} serves a
 * micrometer registry's scrape; the servers bind their gauges to it ({@code OrchestratorMetrics},
 * the master's {@code MasterMetrics}). Names and labels are listed in docs/kubernetes.md.
 */
package dev.baton.runtime.metrics;
