package dev.baton.master.conflict;

import dev.baton.master.conflict.DeploymentDocs.Deployment;
import dev.baton.master.conflict.DeploymentDocs.DisruptionBudget;
import dev.baton.master.conflict.DeploymentDocs.Strategy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads the {@code DeploymentStrategy} YAML format (kind deployment_strategy, from devops). */
final class DeploymentStrategyParser {
  static final String KIND = "DeploymentStrategy";
  static final String EXPECTED = "a DeploymentStrategy mapping with a list of deployments";
  static final String BUDGET_EXPECTED = "an integer >= 0 or a percentage such as '50%'";

  private DeploymentStrategyParser() {}

  static Strategy parse(String documentName, String content) {
    YamlDocument.Mapping root = YamlDocument.parse(documentName, content, EXPECTED).mapping();
    root.allowOnly("apiVersion", "kind", "deployments");
    FormatHeader.check(root, KIND);
    List<YamlDocument.Mapping> items = root.mappings("deployments", "{name, image, namespace, ports, ...}");
    if (items.isEmpty()) {
      throw root.fail("deployments", "missing or empty (expected: a list of deployments)");
    }
    List<Deployment> deployments = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (YamlDocument.Mapping d : items) {
      d.allowOnly("name", "image", "namespace", "ports", "host", "paths", "healthCheckPath", "replicas",
          "disruptionBudget");
      String name = FormatHeader.name(d, "name");
      if (!names.add(name)) {
        throw d.fail("name", "'" + name + "' is listed twice (expected: unique deployment names)");
      }
      String image = DeploymentConfigParser.image(d)
          .orElseThrow(() -> d.fail("image", "missing (expected: " + DeploymentConfigParser.IMAGE_EXPECTED + ")"));
      String namespace = d.has("namespace") ? FormatHeader.name(d, "namespace") : DeploymentDocs.DEFAULT_NAMESPACE;
      deployments.add(new Deployment(name, image, namespace, DeploymentConfigParser.ports(d),
          DeploymentConfigParser.host(d), DeploymentConfigParser.paths(d), DeploymentConfigParser.healthPath(d),
          d.optInt("replicas", 0, 10_000).orElse(1), budget(d)));
    }
    return new Strategy(documentName, List.copyOf(deployments));
  }

  private static Optional<DisruptionBudget> budget(YamlDocument.Mapping d) {
    Optional<YamlDocument.Mapping> b = d.optMapping("disruptionBudget", "{minAvailable} or {maxUnavailable}");
    if (b.isEmpty()) {
      return Optional.empty();
    }
    YamlDocument.Mapping m = b.get().allowOnly("minAvailable", "maxUnavailable");
    boolean min = m.has("minAvailable");
    boolean max = m.has("maxUnavailable");
    if (min == max) {
      throw m.fail(null, "set exactly one of minAvailable and maxUnavailable (expected: " + BUDGET_EXPECTED + ")");
    }
    String field = min ? "minAvailable" : "maxUnavailable";
    String value = m.string(field, BUDGET_EXPECTED);
    if (!value.matches("\\d{1,5}|(100|\\d{1,2})%")) {
      throw m.fail(field, "'" + value + "' (expected: " + BUDGET_EXPECTED + ")");
    }
    return Optional.of(new DisruptionBudget(field, value));
  }
}
