/** Which sub-orchestrator instances exist and whether they are alive: the embedded registry fed by the Coordinate streams, or Consul's checks (ConsulRegistry). */
package dev.baton.master.registry;
