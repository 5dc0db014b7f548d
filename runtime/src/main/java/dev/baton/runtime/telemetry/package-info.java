/**
 * OpenTelemetry traces of Baton's processes: the SDK set up from the standard OTEL_* variables (off
 * unless asked for), W3C trace context through gRPC metadata and the Execute stream, span names and
 * attributes shared by the master and the sub-orchestrators. See docs/observability.md "Traces".
 */
package dev.baton.runtime.telemetry;
