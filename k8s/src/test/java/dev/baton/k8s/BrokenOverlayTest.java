package dev.baton.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each checker must reject what it is there for: a copy of k8s/ is broken one way at a time and
 * the checker that owns that kind of mistake is shown to fail on it (and, where the mistake is
 * also Baton's contract, our own checks too). Without this, a checker wired up wrongly (a schema
 * location that matches nothing, a linter whose exit code is ignored) would pass everything.
 */
class BrokenOverlayTest {
  @TempDir Path tmp;

  @Test
  void kustomizeRejectsAMissingResource() throws Exception {
    Path k8s = copy();
    edit(k8s.resolve("overlays/dev/kustomization.yaml"), "  - ../../base\n", "  - ../../base\n  - no-such-file.yaml\n");
    Tools.Result result = Kustomize.build(k8s.resolve("overlays/dev"));
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("no-such-file.yaml");
  }

  @Test
  void kubeconformRejectsAMisspeltField() throws Exception {
    Path k8s = copy();
    edit(k8s.resolve("base/master.yaml"), "            periodSeconds: 5\n", "            periodSecond: 5\n");
    Tools.Result result = Kubeconform.validate(OverlaysTest.rendered(k8s.resolve("overlays/dev")));
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.stdout()).contains("StatefulSet baton-master").contains("periodSecond");
  }

  @Test
  void kubeconformRejectsAWrongType() throws Exception {
    Path k8s = copy();
    edit(k8s.resolve("components/pdb/pdb.yaml"), "  maxUnavailable: 1\n", "  maxUnavailable: [1]\n");
    Tools.Result result = Kubeconform.validate(OverlaysTest.rendered(k8s.resolve("overlays/ha")));
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.stdout()).contains("PodDisruptionBudget");
  }

  @Test
  void kubeScoreAndOurChecksRejectAMissingReadinessProbe() throws Exception {
    Path k8s = copy();
    edit(k8s.resolve("base/orchestrator-backend.yaml"),
        "          readinessProbe:\n            grpc:\n              port: 7280\n              service: baton.v1.SubOrchestrator\n"
            + "            periodSeconds: 5\n            failureThreshold: 2\n", "");
    String yaml = OverlaysTest.rendered(k8s.resolve("overlays/dev"));
    Tools.Result score = KubeScore.score(yaml, "dev", k8s.resolve("lint/kube-score.conf"));
    assertThat(score.exitCode()).as(score.output()).isNotZero();
    assertThat(score.stdout()).contains("baton-backend");
    assertThat(problems(yaml)).anySatisfy(p -> assertThat(p).contains("baton-backend").contains("no readinessProbe"));
  }

  @Test
  void kubeScoreAndOurChecksRejectAWritableRootFilesystem() throws Exception {
    Path k8s = copy();
    edit(k8s.resolve("base/master.yaml"), "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false");
    String yaml = OverlaysTest.rendered(k8s.resolve("overlays/dev"));
    Tools.Result score = KubeScore.score(yaml, "dev", k8s.resolve("lint/kube-score.conf"));
    assertThat(score.exitCode()).as(score.output()).isNotZero();
    assertThat(score.stdout()).contains("baton-master");
    assertThat(problems(yaml)).anySatisfy(p -> assertThat(p).contains("readOnlyRootFilesystem must be true"));
  }

  @Test
  void kubeScoreAndOurChecksRejectReplicasWithoutAPodDisruptionBudget() throws Exception {
    Path k8s = copy();
    edit(k8s.resolve("overlays/ha/kustomization.yaml"), "  - ../../components/pdb\n", "");
    String yaml = OverlaysTest.rendered(k8s.resolve("overlays/ha"));
    Tools.Result score = KubeScore.score(yaml, "ha", k8s.resolve("lint/kube-score.conf"));
    assertThat(score.exitCode()).as(score.output()).isNotZero();
    assertThat(problems(yaml))
        .anySatisfy(p -> assertThat(p).startsWith("StatefulSet/baton-master").contains("no PodDisruptionBudget"))
        .anySatisfy(p -> assertThat(p).startsWith("Deployment/baton-testing").contains("no PodDisruptionBudget"));
  }

  @Test
  void aMisspeltKubeScoreTestNameIsAnError() throws Exception {
    Path k8s = copy();
    edit(k8s.resolve("lint/kube-score.conf"), "ignore container-image-pull-policy", "ignore container-image-pull-polcy");
    String yaml = OverlaysTest.rendered(k8s.resolve("overlays/dev"));
    assertThatThrownBy(() -> KubeScore.score(yaml, "dev", k8s.resolve("lint/kube-score.conf")))
        .hasMessageContaining("'container-image-pull-polcy' is not a kube-score test");
  }

  @Test
  void ourChecksRejectAFlagTheCliDoesNotKnowAndAValueItCannotParse() throws Exception {
    Path k8s = copy();
    edit(k8s.resolve("base/orchestrator-devops.yaml"), "            - --droids=/etc/baton/droids\n",
        "            - --droid=/etc/baton/droids\n");
    edit(k8s.resolve("base/master.yaml"), "            - --port=7233\n", "            - --port=seventy\n");
    List<String> problems = problems(OverlaysTest.rendered(k8s.resolve("overlays/dev")));
    assertThat(problems)
        .anySatisfy(p -> assertThat(p).contains("baton-devops").contains("--droid=/etc/baton/droids"))
        .anySatisfy(p -> assertThat(p).contains("baton-master").contains("seventy"));
  }

  @Test
  void ourChecksRejectAGracePeriodThatDoesNotCoverTheDrain() throws Exception {
    Path k8s = copy();
    edit(k8s.resolve("base/orchestrator-frontend.yaml"), "terminationGracePeriodSeconds: 45", "terminationGracePeriodSeconds: 30");
    assertThat(problems(OverlaysTest.rendered(k8s.resolve("overlays/dev"))))
        .anySatisfy(p -> assertThat(p).contains("baton-frontend").contains("set it to 45"));
  }

  @Test
  void ourChecksRejectAnUnknownSecretAndAnUndefinedVariable() throws Exception {
    Path k8s = copy();
    edit(k8s.resolve("base/orchestrator-testing.yaml"), "secretName: baton-tls-testing", "secretName: baton-tls-tests");
    edit(k8s.resolve("base/master.yaml"), "            - --id=$(POD_NAME)\n", "            - --id=$(POD_NAM)\n");
    assertThat(problems(OverlaysTest.rendered(k8s.resolve("overlays/dev"))))
        .anySatisfy(p -> assertThat(p).contains("baton-tls-tests").contains("operator-provided"))
        .anySatisfy(p -> assertThat(p).contains("$(POD_NAM)"));
  }

  private static List<String> problems(String yaml) throws IOException {
    return new ManifestChecks(ManifestChecks.parse(yaml)).run();
  }

  private Path copy() throws IOException {
    return Tools.copyK8s(tmp);
  }

  private static void edit(Path file, String from, String to) throws IOException {
    String text = Files.readString(file);
    assertThat(text).as("%s holds the text this test breaks", file).contains(from);
    Files.writeString(file, text.replace(from, to));
  }
}
