package dev.baton.master.conflict;

import java.util.List;
import java.util.Optional;

/** The deployment formats as plain Java (docs/shared-documents.md). */
final class DeploymentDocs {
  /** The namespace and ingress host when a document names none. */
  static final String DEFAULT_NAMESPACE = "default";
  static final String ANY_HOST = "*";

  private DeploymentDocs() {}

  /** What a frontend or backend service says about how it must run (kind deployment_config). */
  record ServiceConfig(
      String document, String service, Optional<String> image, Optional<String> namespace, List<Integer> ports,
      String host, List<String> paths, Optional<String> healthCheckPath) {}

  /** A PodDisruptionBudget: exactly one of minAvailable / maxUnavailable, an integer or a percentage. */
  record DisruptionBudget(String field, String value) {}

  /** One deployment of devops' deployment_strategy. */
  record Deployment(
      String name, String image, String namespace, List<Integer> ports, String host, List<String> paths,
      Optional<String> healthCheckPath, int replicas, Optional<DisruptionBudget> disruptionBudget) {}

  record Strategy(String document, List<Deployment> deployments) {}
}
