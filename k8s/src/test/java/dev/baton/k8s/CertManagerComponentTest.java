package dev.baton.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional cert-manager component on top of each overlay: it builds, everything but the
 * Certificates still validates strictly and passes our checks, and its Certificates write exactly
 * the TLS Secrets the workloads mount, with the identity each role must present. (kubeconform has
 * no schema for cert-manager's CRDs here, so the Certificates' fields are checked below.)
 */
class CertManagerComponentTest {
  @TempDir Path tmp;

  @Test
  void certificatesWriteTheSecretsEveryOverlayMounts() throws Exception {
    Path k8s = Tools.copyK8s(tmp);
    for (String overlay : List.of("dev", "ha")) {
      Path dir = k8s.resolve("overlays/" + overlay + "-cert-manager");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("kustomization.yaml"), """
          apiVersion: kustomize.config.k8s.io/v1beta1
          kind: Kustomization
          resources: [../%s]
          components: [../../components/cert-manager]
          """.formatted(overlay));
      String yaml = OverlaysTest.rendered(dir);
      List<JsonNode> docs = ManifestChecks.parse(yaml);
      assertThat(new ManifestChecks(docs).run()).isEmpty();

      List<JsonNode> certificates = docs.stream().filter(d -> d.path("kind").asText().equals("Certificate")).toList();
      assertThat(certificates).hasSize(1 + ManifestChecks.DOMAINS.size());
      for (JsonNode cert : certificates) {
        JsonNode spec = cert.path("spec");
        String secret = spec.path("secretName").asText();
        String want = secret.equals("baton-tls-master") ? "spiffe://baton/master"
            : "spiffe://baton/orchestrator/" + secret.substring("baton-tls-".length());
        assertThat(ManifestChecks.OPERATOR_SECRETS).contains(secret);
        assertThat(spec.path("uris").get(0).asText()).as(secret).isEqualTo(want);
        assertThat(spec.path("issuerRef").path("name").asText()).isEqualTo("baton-ca");
        assertThat(cert.path("apiVersion").asText()).isEqualTo("cert-manager.io/v1");
      }
      JsonNode master = certificates.stream()
          .filter(c -> c.path("spec").path("secretName").asText().equals("baton-tls-master")).findFirst().orElseThrow();
      assertThat(master.path("spec").path("dnsNames").toString())
          .contains("\"baton-master\"", "baton-master-2.baton-master-peers.baton.svc.cluster.local");

      Tools.Result conform = Kubeconform.validate(yaml, "Certificate");
      assertThat(conform.exitCode()).as(conform.output()).isZero();
    }
  }
}
