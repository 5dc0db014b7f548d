/** Capped exponential backoff with jitter, for every retry loop of the runtime. */
package dev.baton.runtime.backoff;
