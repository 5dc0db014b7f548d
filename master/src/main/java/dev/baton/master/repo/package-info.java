/**
 * Git on the master's side: the plan's integration branch (merges and rebases of the tasks' branches,
 * conflicts named down to the hunk, rollbacks), the repository made from a local directory, and the
 * smart-HTTP server that lets sub-orchestrators on other machines clone and push.
 */
package dev.baton.master.repo;
