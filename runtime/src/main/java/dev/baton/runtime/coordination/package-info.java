/** The sub-orchestrator's side of the Coordinate stream to the master: registration, heartbeats, sync points, reconnection. */
package dev.baton.runtime.coordination;
