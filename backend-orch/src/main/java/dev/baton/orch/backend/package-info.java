/** The backend specialisation: its descriptor, droids, shared-document classification and main class. */
package dev.baton.orch.backend;
