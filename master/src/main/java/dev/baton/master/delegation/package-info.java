/** Handing tasks to sub-orchestrators: building the DelegationPackage, one Execute stream per instance for every delegation and its updates (with deadlines and idle probes), cached channels. */
package dev.baton.master.delegation;
