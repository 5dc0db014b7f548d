/** Droid executors: the strategies that actually carry out a delegated task (simulated or a real command). */
package dev.baton.runtime.droid;
