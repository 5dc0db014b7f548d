/** Which of several masters on one journal leads: Consul session and lock, or the embedded single master. */
package dev.baton.master.leader;
