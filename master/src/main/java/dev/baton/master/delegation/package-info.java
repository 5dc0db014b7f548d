/** Handing tasks to sub-orchestrators: building the DelegationPackage, Delegate and WatchExecution with deadlines, cached channels. */
package dev.baton.master.delegation;
