/** Text helpers shared by the master and the sub-orchestrators. */
package dev.baton.runtime.text;
