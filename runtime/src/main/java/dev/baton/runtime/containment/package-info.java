/**
 * Process containers: every process a sub-orchestrator starts for a task (command droids, verify
 * and set-up commands, agent CLIs) runs in one that is killed whole, so a cancelled or timed-out
 * task leaves nothing behind, double-forked daemons included. {@link
 * dev.baton.runtime.containment.Containments#detect()} probes which kernel mechanism works here;
 * see docs/security.md, "Process containment".
 */
package dev.baton.runtime.containment;
