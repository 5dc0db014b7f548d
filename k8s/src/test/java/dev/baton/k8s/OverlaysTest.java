package dev.baton.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every overlay of k8s/overlays (discovered, so a new one is checked without a code change) must
 * build with kustomize, validate strictly against the Kubernetes schemas, score clean with
 * kube-score under k8s/lint/kube-score.conf, and pass Baton's own {@link ManifestChecks}.
 */
class OverlaysTest {
  @Test
  void theOverlaysOfTheIssueExist() throws Exception {
    assertThat(Tools.overlays(Tools.k8sDir()).stream().map(p -> p.getFileName().toString()))
        .contains("dev", "ha");
  }

  @TestFactory
  Stream<DynamicNode> everyOverlayBuildsValidatesAndLints() throws Exception {
    List<DynamicNode> nodes = new ArrayList<>();
    for (Path overlay : Tools.overlays(Tools.k8sDir())) {
      String name = overlay.getFileName().toString();
      nodes.add(DynamicContainer.dynamicContainer(name, Stream.of(
          dynamicTest("kustomize build", () -> rendered(overlay)),
          dynamicTest("kubeconform -strict", () -> {
            Tools.Result result = Kubeconform.validate(rendered(overlay));
            assertThat(result.exitCode()).as("kubeconform on %s:\n%s", name, result.output()).isZero();
            assertThat(result.stdout()).contains("Invalid: 0, Errors: 0");
          }),
          dynamicTest("kube-score", () -> {
            Tools.Result result = KubeScore.score(rendered(overlay), name, Tools.k8sDir().resolve("lint/kube-score.conf"));
            assertThat(result.exitCode()).as("kube-score on %s:\n%s", name, result.output()).isZero();
          }),
          dynamicTest("Baton's checks", () -> {
            ManifestChecks checks = new ManifestChecks(ManifestChecks.parse(rendered(overlay)));
            List<String> problems = checks.run();
            assertThat(problems).as("problems in %s", name).isEmpty();
          }))));
    }
    return nodes.stream();
  }

  static String rendered(Path overlay) throws Exception {
    Tools.Result result = Kustomize.build(overlay);
    assertThat(result.exitCode()).as("kustomize build %s:\n%s", overlay, result.stderr()).isZero();
    assertThat(result.stdout()).contains("kind: StatefulSet");
    return result.stdout();
  }
}
