/**
 * What a process exports for Prometheus: {@link dev.baton.runtime.metrics.MetricsPort} serves a
 * micrometer registry's scrape; the servers bind their gauges to it ({@code OrchestratorMetrics},
 * the master's {@code MasterMetrics}). {@code ProcessMetrics} adds JVM, gRPC ({@code GrpcMetrics}) and the global registry's meters.
 * Every series is listed in docs/observability.md ("Metrics").
 */
package dev.baton.runtime.metrics;
