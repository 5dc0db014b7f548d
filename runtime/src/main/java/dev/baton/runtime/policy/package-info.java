/** What droids may run (the droid policy), the one rule code the master and sub-orchestrators share, and redaction of secrets. */
package dev.baton.runtime.policy;
