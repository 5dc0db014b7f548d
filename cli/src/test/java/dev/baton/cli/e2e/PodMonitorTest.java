package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/observability/podmonitor.yaml selects what the manifests deploy: its label is one the base
 * kustomization puts on every pod, and every Baton container of k8s/base serves /metrics on the
 * port it names (the CRD's schema is not available here for kubeconform; this checks the links).
 */
class PodMonitorTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void selectsEveryBatonPodAndItsMetricsPort() throws IOException {
    Path root = TestPaths.repoRoot();
    JsonNode monitor = YAML.readTree(root.resolve("deploy/observability/podmonitor.yaml").toFile());
    assertThat(monitor.path("kind").asText()).isEqualTo("PodMonitor");
    var selector = monitor.path("spec").path("selector").path("matchLabels");
    assertThat(selector.size()).isEqualTo(1);
    String key = selector.fieldNames().next();
    JsonNode endpoint = monitor.path("spec").path("podMetricsEndpoints").get(0);
    assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");
    assertThat(endpoint.path("honorLabels").asBoolean()).as("Baton's instance label wins").isTrue();
    String port = endpoint.path("port").asText();

    JsonNode kustomization = YAML.readTree(root.resolve("k8s/base/kustomization.yaml").toFile());
    JsonNode pairs = kustomization.path("labels").get(0).path("pairs");
    assertThat(pairs.path(key).asText()).as("the base labels every pod " + key).isEqualTo(selector.path(key).asText());
    assertThat(kustomization.path("labels").get(0).path("includeSelectors").asBoolean()).isTrue();

    List<String> checked = new ArrayList<>();
    try (Stream<Path> files = Files.list(root.resolve("k8s/base"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        ObjectReader reader = YAML.readerFor(JsonNode.class);
        try (var docs = reader.readValues(file.toFile())) {
          while (docs.hasNext()) {
            JsonNode doc = (JsonNode) docs.next();
            String kind = doc.path("kind").asText();
            if (!kind.equals("Deployment") && !kind.equals("StatefulSet")) {
              continue;
            }
            for (JsonNode c : doc.path("spec").path("template").path("spec").path("containers")) {
              String args = c.path("args").toString();
              assertThat(args).as(file + " " + c.path("name")).contains("--metrics-port=9464");
              boolean named = false;
              for (JsonNode p : c.path("ports")) {
                named |= p.path("name").asText().equals(port) && p.path("containerPort").asInt() == 9464;
              }
              assertThat(named).as(file + ": container port '" + port + "' is 9464").isTrue();
              checked.add(doc.path("metadata").path("name").asText());
            }
          }
        }
      }
    }
    assertThat(checked).as("the master and one Deployment per domain").hasSize(5);
  }
}
