/** Launching Baton's master and sub-orchestrators as child processes and reading their ready lines. */
package dev.baton.cli.mesh;
