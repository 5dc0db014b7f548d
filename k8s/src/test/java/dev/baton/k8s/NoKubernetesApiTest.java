package dev.baton.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The manifests give Baton's ServiceAccount no token and no RBAC because no Baton process calls the
 * Kubernetes API: this keeps that true. A module that starts to (a client library in a pom, or an
 * import of one in main code) fails here, and must add the Role it needs to k8s/base.
 */
class NoKubernetesApiTest {
  private static final Pattern CLIENT = Pattern.compile(
      "io\\.fabric8|io\\.kubernetes\\.client|kubernetes-client|/var/run/secrets/kubernetes\\.io|KUBERNETES_SERVICE_HOST");

  @Test
  void noMainCodeOrPomUsesAKubernetesClient() throws Exception {
    Path root = Tools.repoRoot();
    List<String> hits;
    try (Stream<Path> files = Files.walk(root)) {
      hits = files
          .filter(p -> !p.startsWith(root.resolve(".tools")) && !p.startsWith(root.resolve(".git")))
          .filter(p -> p.toString().contains("/src/main/") && p.toString().endsWith(".java")
              || p.getFileName().toString().equals("pom.xml"))
          .filter(p -> !p.toString().contains("/target/"))
          .filter(p -> {
            try {
              return CLIENT.matcher(Files.readString(p)).find();
            } catch (Exception e) {
              return false;
            }
          })
          .map(p -> root.relativize(p).toString())
          .toList();
    }
    assertThat(hits).as("files that use the Kubernetes API (give the ServiceAccount a Role, then update this test)").isEmpty();
  }
}
