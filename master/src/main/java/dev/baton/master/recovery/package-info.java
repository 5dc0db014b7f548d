/** What to do about the tasks of a failed sub-orchestrator instance: the impact, and one class per recovery strategy (restart, failover, redistribute, graceful degradation). */
package dev.baton.master.recovery;
