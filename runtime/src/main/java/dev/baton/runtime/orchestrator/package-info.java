/** The sub-orchestrator: its specialisation SPI, configuration, gRPC service and server lifecycle. */
package dev.baton.runtime.orchestrator;
