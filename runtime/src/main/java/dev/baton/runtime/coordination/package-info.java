/**
 * The sub-orchestrator's side of the Coordinate protocol (docs/coordination-protocol.md): the session
 * to the master (registration, heartbeats, sequence numbers, acknowledgements, resume), bounded
 * outboxes, and cross-orchestrator messaging, direct to peers or relayed by the master.
 */
package dev.baton.runtime.coordination;
