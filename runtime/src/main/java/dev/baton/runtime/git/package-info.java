/**
 * Git on the sub-orchestrator's side: the git command line, one bare cache per remote, and a worktree
 * per task attempt that is set up, committed, pushed and cleaned by policy.
 */
package dev.baton.runtime.git;
