/** The seed's MultiOrchestratorDashboard, computed on demand from the registry and the plan store. */
package dev.baton.master.dashboard;
