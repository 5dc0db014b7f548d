package dev.baton.k8s;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * kubeconform {@code -strict} (unknown fields and duplicate keys are errors) against the JSON
 * schemas of Kubernetes {@value Tools#KUBERNETES_VERSION} generated offline by
 * scripts/tools/kubernetes-lint.sh. A kind without a schema is an error too (no
 * {@code -ignore-missing-schemas}): every object we ship is a built-in kind.
 */
final class Kubeconform {
  private Kubeconform() {}

  static Tools.Result validate(String manifests) throws Exception {
    return validate(manifests, null);
  }

  /** As {@link #validate(String)}, leaving out the kinds {@code skipKinds} (comma-separated; CRDs without schemas). */
  static Tools.Result validate(String manifests, String skipKinds) throws Exception {
    var schemas = Tools.schemasDir();
    assumeTrue(
        Files.isRegularFile(schemas.resolve("v" + Tools.KUBERNETES_VERSION + "-standalone-strict/deployment-apps-v1.json")),
        "no Kubernetes JSON schemas in " + schemas + "; run 'bash scripts/install-tools.sh --kubernetes-lint'");
    String location = schemas + "/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/"
        + "{{ .ResourceKind }}{{ .KindSuffix }}.json";
    List<String> command = new ArrayList<>(List.of(Tools.tool("kubeconform").toString(), "-strict", "-summary",
        "-output", "text", "-kubernetes-version", Tools.KUBERNETES_VERSION, "-schema-location", location));
    if (skipKinds != null) {
      command.addAll(List.of("-skip", skipKinds));
    }
    command.add("-");
    return Tools.run(command, Tools.repoRoot(), manifests, Duration.ofMinutes(2));
  }
}
