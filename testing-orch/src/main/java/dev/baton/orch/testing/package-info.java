/** The testing specialisation: its descriptor, droids, shared-document classification and main class. */
package dev.baton.orch.testing;
