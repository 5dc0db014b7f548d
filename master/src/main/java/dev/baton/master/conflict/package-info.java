/**
 * Deterministic cross-orchestrator conflict detectors run at sync points: the shared-document
 * formats and their parsers, one detector per check (api_contract, infrastructure, deployment) and
 * the composite that plugs into {@link dev.baton.master.sync.ConflictDetector}. Formats are in
 * docs/shared-documents.md.
 */
package dev.baton.master.conflict;
