/** Droid definition files (Factory and Claude Code formats with Baton's fields) and the pools they make. */
package dev.baton.runtime.droid.definition;
