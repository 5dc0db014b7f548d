package dev.baton.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What makes dev dev and ha ha (issue 12, item 2): dev runs one master on the embedded registry
 * with the SQLite journal on a PVC and one replica per domain; ha runs three masters over
 * PostgreSQL from the Secret baton-journal, Consul for everyone, an HPA per domain on slot
 * utilisation, and PDBs.
 */
class OverlayShapeTest {
  @Test
  void devIsOneMasterOnAJournalVolumeWithTheEmbeddedRegistry() throws Exception {
    List<JsonNode> docs = render("dev");
    JsonNode master = find(docs, "StatefulSet", "baton-master");
    assertThat(master.path("spec").path("replicas").asInt()).isEqualTo(1);
    assertThat(args(master)).contains("--registry=embedded", "--journal=/var/lib/baton/journal.db");
    assertThat(master.path("spec").path("volumeClaimTemplates").get(0).path("metadata").path("name").asText()).isEqualTo("data");
    assertThat(master.path("spec").path("template").path("spec").path("volumes").toString()).doesNotContain("\"name\":\"data\"");
    for (String domain : ManifestChecks.DOMAINS) {
      JsonNode d = find(docs, "Deployment", "baton-" + domain);
      assertThat(d.path("spec").path("replicas").asInt()).isEqualTo(1);
      assertThat(args(d)).contains("--domain=" + domain, "--master=baton-master:7233", "--registry=embedded");
    }
    assertThat(kinds(docs)).doesNotContain("HorizontalPodAutoscaler", "PodDisruptionBudget");
    assertThat(kinds(docs)).contains("NetworkPolicy", "Namespace", "ServiceAccount");
  }

  @Test
  void haIsThreeMastersOverPostgresWithConsulAutoscalersAndBudgets() throws Exception {
    List<JsonNode> docs = render("ha");
    JsonNode master = find(docs, "StatefulSet", "baton-master");
    assertThat(master.path("spec").path("replicas").asInt()).isEqualTo(3);
    assertThat(args(master)).contains("--journal=$(BATON_JOURNAL_URL)", "--consul=$(CONSUL_HTTP_ADDR)")
        .noneMatch(a -> a.startsWith("--registry=embedded"));
    assertThat(master.findValues("secretKeyRef")).anySatisfy(ref -> {
      assertThat(ref.path("name").asText()).isEqualTo("baton-journal");
      assertThat(ref.path("key").asText()).isEqualTo("url");
    });
    assertThat(find(docs, "StatefulSet", "baton-consul").path("spec").path("replicas").asInt()).isEqualTo(3);
    find(docs, "Service", "baton-consul");
    find(docs, "PodDisruptionBudget", "baton-master");
    for (String domain : ManifestChecks.DOMAINS) {
      JsonNode d = find(docs, "Deployment", "baton-" + domain);
      assertThat(d.path("spec").has("replicas")).as("the HPA owns baton-%s's replicas", domain).isFalse();
      assertThat(args(d)).contains("--consul=$(CONSUL_HTTP_ADDR)").noneMatch(a -> a.startsWith("--master="));
      JsonNode hpa = find(docs, "HorizontalPodAutoscaler", "baton-" + domain);
      assertThat(hpa.path("spec").path("minReplicas").asInt()).isGreaterThanOrEqualTo(2);
      assertThat(hpa.path("spec").path("metrics").get(0).path("pods").path("metric").path("name").asText())
          .isEqualTo("baton_orchestrator_slot_utilization");
      find(docs, "PodDisruptionBudget", "baton-" + domain);
    }
  }

  private static List<JsonNode> render(String overlay) throws Exception {
    return ManifestChecks.parse(OverlaysTest.rendered(Tools.k8sDir().resolve("overlays/" + overlay)));
  }

  private static JsonNode find(List<JsonNode> docs, String kind, String name) {
    return docs.stream()
        .filter(d -> d.path("kind").asText().equals(kind) && d.path("metadata").path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " in the rendered overlay"));
  }

  private static List<String> args(JsonNode workload) {
    List<String> args = new ArrayList<>();
    workload.path("spec").path("template").path("spec").path("containers").get(0).path("args").forEach(a -> args.add(a.asText()));
    return args;
  }

  private static List<String> kinds(List<JsonNode> docs) {
    return docs.stream().map(d -> d.path("kind").asText()).toList();
  }
}
