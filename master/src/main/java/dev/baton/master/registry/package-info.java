/** Which sub-orchestrator instances exist and whether they are alive: the embedded registry behind an interface Consul can implement. */
package dev.baton.master.registry;
