/** Sync points as barriers: who must arrive, what they brought, and the conflict-detector hook run before release. */
package dev.baton.master.sync;
