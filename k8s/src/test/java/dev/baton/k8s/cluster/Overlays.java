package dev.baton.k8s.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Finds, renders and prepares the overlays the cluster tests apply. The overlays are k8s/overlays/*
 * (each a directory with a kustomization.yaml); while there are none, the stand-in under
 * src/test/resources/cluster-fixture/overlays. Each is rendered through a one-line wrapper
 * kustomization that sets the namespace {@code baton-test-<overlay>}, so that overlays which all
 * use one namespace can live side by side in one test cluster (kustomize renames the Namespace object
 * and fixes RoleBinding subjects too). The renderer is .tools/bin/kustomize when present (installed by
 * scripts/tools/kubernetes-lint.sh), else the kustomize built into kubectl.
 */
final class Overlays {
  static final YAMLMapper YAML = new YAMLMapper();

  private Overlays() {}

  /** The repository's overlays, or the fixture's when the repository has none yet. */
  static List<Path> discover(Path repoRoot) {
    List<Path> found = list(repoRoot.resolve("k8s/overlays"));
    return found.isEmpty() ? list(fixtureRoot(repoRoot).resolve("overlays")) : found;
  }

  static Path fixtureRoot(Path repoRoot) {
    return repoRoot.resolve("k8s/src/test/resources/cluster-fixture");
  }

  private static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children.filter(p -> Files.isRegularFile(p.resolve("kustomization.yaml"))).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The namespace an overlay is applied in. */
  static String namespace(Path overlay) {
    return "baton-test-" + overlay.getFileName();
  }

  /** Renders {@code overlay} into {@code namespace}; keeps the wrapper and the output under {@code runDir}/render. */
  static String render(KubeCluster cluster, Path overlay, String namespace) throws IOException {
    Path wrapper = Files.createDirectories(cluster.runDir().resolve("render").resolve(namespace));
    Files.writeString(wrapper.resolve("kustomization.yaml"), """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        namespace: %s
        resources:
          - %s
        """.formatted(namespace, wrapper.relativize(overlay.toAbsolutePath().normalize())));
    Path kustomize = cluster.tools().resolve("kustomize");
    String rendered = Files.isExecutable(kustomize)
        ? exec(kustomize.toString(), "build", wrapper.toString())
        : cluster.kubectl().ok("kustomize", wrapper.toString());
    Files.writeString(wrapper.resolve("rendered.yaml"), rendered);
    return rendered;
  }

  private static String exec(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes());
    try {
      if (process.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** The documents of a multi-document YAML stream. */
  static List<JsonNode> documents(String yaml) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && doc.isObject() && doc.size() > 0) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  /**
   * The Secrets the rendered pod templates use but the overlay does not carry (the operator provides
   * them: TLS, callers, agent keys, the journal's URL), as Opaque Secrets with dummy values for every
   * key referenced, plus tls.crt, tls.key and ca.crt for a name with "tls" in it.
   */
  static List<ObjectNode> operatorSecrets(List<JsonNode> docs, String namespace) {
    Set<String> rendered = new TreeSet<>();
    Map<String, Set<String>> wanted = new TreeMap<>();
    for (JsonNode doc : docs) {
      if ("Secret".equals(doc.path("kind").asText())) {
        rendered.add(doc.path("metadata").path("name").asText());
      }
      JsonNode pod = podSpec(doc);
      if (pod == null) {
        continue;
      }
      pod.path("volumes").forEach(v -> {
        JsonNode secret = v.path("secret");
        if (secret.has("secretName")) {
          Set<String> keys = wanted.computeIfAbsent(secret.path("secretName").asText(), k -> new TreeSet<>());
          secret.path("items").forEach(i -> keys.add(i.path("key").asText()));
        }
        v.path("projected").path("sources").forEach(s -> {
          if (s.has("secret")) {
            Set<String> keys = wanted.computeIfAbsent(s.path("secret").path("name").asText(), k -> new TreeSet<>());
            s.path("secret").path("items").forEach(i -> keys.add(i.path("key").asText()));
          }
        });
      });
      List<JsonNode> containers = new ArrayList<>();
      pod.path("containers").forEach(containers::add);
      pod.path("initContainers").forEach(containers::add);
      for (JsonNode c : containers) {
        c.path("env").forEach(e -> {
          JsonNode ref = e.path("valueFrom").path("secretKeyRef");
          if (ref.has("name")) {
            wanted.computeIfAbsent(ref.path("name").asText(), k -> new TreeSet<>()).add(ref.path("key").asText());
          }
        });
        c.path("envFrom").forEach(e -> {
          if (e.path("secretRef").has("name")) {
            wanted.computeIfAbsent(e.path("secretRef").path("name").asText(), k -> new TreeSet<>());
          }
        });
      }
    }
    List<ObjectNode> secrets = new ArrayList<>();
    wanted.forEach((name, keys) -> {
      if (rendered.contains(name)) {
        return;
      }
      if (name.contains("tls")) {
        keys.addAll(List.of("tls.crt", "tls.key", "ca.crt"));
      }
      if (keys.isEmpty()) {
        keys.add("dummy");
      }
      ObjectNode secret = Kubectl.JSON.createObjectNode();
      secret.put("apiVersion", "v1").put("kind", "Secret").put("type", "Opaque");
      secret.putObject("metadata").put("name", name).put("namespace", namespace);
      ObjectNode data = secret.putObject("data");
      keys.forEach(k -> data.put(k, Base64.getEncoder().encodeToString(("dummy " + k + "\n").getBytes())));
      secrets.add(secret);
    });
    return secrets;
  }

  /** The pod spec of a workload (Deployment, StatefulSet, DaemonSet, Job) or Pod, else null. */
  static JsonNode podSpec(JsonNode doc) {
    JsonNode template = doc.path("spec").path("template").path("spec");
    if (template.isObject()) {
      return template;
    }
    return "Pod".equals(doc.path("kind").asText()) ? doc.path("spec") : null;
  }
}
