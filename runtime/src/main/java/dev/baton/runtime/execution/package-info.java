/** Running delegated tasks on an instance: admission, droid choice, the bounded slot pool and its queue, watchers, load. */
package dev.baton.runtime.execution;
