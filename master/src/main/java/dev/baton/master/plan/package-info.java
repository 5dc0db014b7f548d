/** Plans: parsing (YAML or proto), validation, domain analysis and routing, the task graph and its levels. */
package dev.baton.master.plan;
