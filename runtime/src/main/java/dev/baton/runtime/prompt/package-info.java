/** Renders a delegated task into the prompt an agent gets (Mustache templates). */
package dev.baton.runtime.prompt;
