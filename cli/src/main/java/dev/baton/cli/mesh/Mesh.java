package dev.baton.cli.mesh;

import java.util.Map;

/**
 * A running local mesh: the master and one sub-orchestrator per domain, each its own process.
 *
 * @param master the master process
 * @param orchestrators domain to its sub-orchestrator process, in {@link MeshLauncher#DOMAINS} order
 */
public record Mesh(LaunchedProcess master, Map<String, LaunchedProcess> orchestrators) {
  public Mesh {
    orchestrators = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(orchestrators));
  }

  public String masterAddress() {
    return master.address();
  }

  public LaunchedProcess orchestrator(String domain) {
    LaunchedProcess p = orchestrators.get(domain);
    if (p == null) {
      throw new IllegalArgumentException(
          "unknown domain '" + domain + "' (expected one of: " + orchestrators.keySet() + ")");
    }
    return p;
  }
}
