/**
 * Agent runners: droid executors that run an AI coding-agent CLI (claude, droid, codex) or replay a
 * scripted scenario, turning the CLI's JSON lines into {@code DroidEvent}s, usage and cost.
 */
package dev.baton.runtime.agent;
