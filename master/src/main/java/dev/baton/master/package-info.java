/** The master orchestrator process: its configuration and the server that wires store, registry, scheduler and gRPC services. */
package dev.baton.master;
