/** The devops specialisation: its descriptor, droids, shared-document classification and main class. */
package dev.baton.orch.devops;
