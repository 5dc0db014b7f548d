/** The master's side of the droid policy: a plan refused at validation for what its sub-orchestrators would refuse. */
package dev.baton.master.policy;
