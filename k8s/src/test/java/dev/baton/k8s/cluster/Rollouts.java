package dev.baton.k8s.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What "rolled out" means, read from the API server: every Deployment and StatefulSet of a namespace
 * has observed its generation and has all its replicas updated, ready and available, and no pod left
 * over. While it waits it also acts as the cluster's storage provisioner: each Pending claim gets a
 * hostPath PersistentVolume pre-bound to it (the test cluster has no provisioner; no container runs,
 * so nothing is ever written there).
 */
final class Rollouts {
  /** How long a namespace may take to roll out (kwok makes pods Ready at once; the rest is controllers). */
  static final Duration ROLLOUT_TIMEOUT = Duration.ofSeconds(90);

  private Rollouts() {}

  /**
   * Waits until every Deployment and StatefulSet in {@code namespace} is rolled out, and each one an
   * HPA targets has a replica count within the HPA's bounds (the HPA controller raises a Deployment
   * with no replicas of its own to minReplicas).
   */
  static void awaitAll(KubeCluster cluster, String namespace) {
    Kubectl k = cluster.kubectl();
    cluster.poll("every Deployment and StatefulSet in " + namespace + " rolled out", ROLLOUT_TIMEOUT, () -> {
      provisionVolumes(k, namespace);
      Map<String, JsonNode> workloads = new TreeMap<>();
      for (JsonNode w : k.items(namespace, "deployments,statefulsets")) {
        if (!rolledOut(w)) {
          return false;
        }
        workloads.put(w.path("kind").asText() + "/" + w.path("metadata").path("name").asText(), w);
      }
      for (JsonNode hpa : k.items(namespace, "horizontalpodautoscalers")) {
        JsonNode ref = hpa.path("spec").path("scaleTargetRef");
        JsonNode w = workloads.get(ref.path("kind").asText() + "/" + ref.path("name").asText());
        int replicas = w == null ? -1 : w.path("spec").path("replicas").asInt();
        if (replicas < hpa.path("spec").path("minReplicas").asInt(1) || replicas > hpa.path("spec").path("maxReplicas").asInt()) {
          return false;
        }
      }
      return true;
    });
  }

  /** The maxReplicas of the HPA that targets {@code deployment} in {@code namespace}, or MAX_VALUE. */
  static int hpaMax(Kubectl k, String namespace, String deployment) {
    for (JsonNode hpa : k.items(namespace, "horizontalpodautoscalers")) {
      JsonNode ref = hpa.path("spec").path("scaleTargetRef");
      if ("Deployment".equals(ref.path("kind").asText()) && deployment.equals(ref.path("name").asText())) {
        return hpa.path("spec").path("maxReplicas").asInt();
      }
    }
    return Integer.MAX_VALUE;
  }

  /** Waits until one workload ({@code deployment/name}) is rolled out at {@code replicas}. */
  static void await(KubeCluster cluster, String namespace, String workload, int replicas) {
    Kubectl k = cluster.kubectl();
    cluster.poll(workload + " rolled out at " + replicas + " replica(s)", ROLLOUT_TIMEOUT, () -> {
      provisionVolumes(k, namespace);
      JsonNode w = k.json("get", workload, "-n", namespace);
      return w.path("spec").path("replicas").asInt() == replicas && rolledOut(w)
          && readyPods(k, namespace, w).size() == replicas;
    });
  }

  static boolean rolledOut(JsonNode w) {
    JsonNode status = w.path("status");
    int want = w.path("spec").path("replicas").asInt(1);
    boolean common = status.path("observedGeneration").asLong() >= w.path("metadata").path("generation").asLong()
        && status.path("replicas").asInt() == want
        && status.path("updatedReplicas").asInt() == want
        && status.path("readyReplicas").asInt() == want
        && status.path("availableReplicas").asInt() == want;
    if ("StatefulSet".equals(w.path("kind").asText())) {
      return common && status.path("currentRevision").asText().equals(status.path("updateRevision").asText());
    }
    return common;
  }

  /** The Running, Ready, not terminating pods a workload's selector picks. */
  static List<JsonNode> readyPods(Kubectl k, String namespace, JsonNode workload) {
    List<JsonNode> pods = new ArrayList<>();
    for (JsonNode pod : k.items(namespace, "pods")) {
      if (selects(workload.path("spec").path("selector").path("matchLabels"), pod.path("metadata").path("labels"))
          && !pod.path("metadata").has("deletionTimestamp")
          && "Running".equals(pod.path("status").path("phase").asText())
          && isReady(pod)) {
        pods.add(pod);
      }
    }
    return pods;
  }

  static boolean isReady(JsonNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return "True".equals(c.path("status").asText());
      }
    }
    return false;
  }

  /** Whether every label of {@code matchLabels} is among {@code labels}. */
  static boolean selects(JsonNode matchLabels, JsonNode labels) {
    Iterator<Map.Entry<String, JsonNode>> it = matchLabels.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    return matchLabels.size() > 0;
  }

  /** Pods per value of {@code topologyKey} (every node's value listed, zero included). */
  static Map<String, Integer> spread(Kubectl k, List<JsonNode> pods, String topologyKey) {
    Map<String, String> nodeToDomain = new TreeMap<>();
    for (JsonNode node : k.items("default", "nodes")) {
      nodeToDomain.put(node.path("metadata").path("name").asText(),
          node.path("metadata").path("labels").path(topologyKey).asText("?"));
    }
    Map<String, Integer> counts = new TreeMap<>();
    nodeToDomain.values().forEach(d -> counts.put(d, 0));
    for (JsonNode pod : pods) {
      counts.merge(nodeToDomain.getOrDefault(pod.path("spec").path("nodeName").asText(), "?"), 1, Integer::sum);
    }
    return counts;
  }

  private static void provisionVolumes(Kubectl k, String namespace) {
    for (JsonNode claim : k.items(namespace, "persistentvolumeclaims")) {
      if (!"Pending".equals(claim.path("status").path("phase").asText())) {
        continue;
      }
      String name = claim.path("metadata").path("name").asText();
      String pvName = "pv-" + namespace + "-" + name;
      if (pvName.length() > 63) {
        pvName = "pv-" + Integer.toHexString((namespace + "/" + name).hashCode());
      }
      ObjectNode pv = Kubectl.JSON.createObjectNode();
      pv.put("apiVersion", "v1").put("kind", "PersistentVolume");
      pv.putObject("metadata").put("name", pvName);
      ObjectNode spec = pv.putObject("spec");
      spec.putObject("capacity").put("storage",
          claim.path("spec").path("resources").path("requests").path("storage").asText("1Gi"));
      spec.set("accessModes", claim.path("spec").path("accessModes"));
      spec.put("storageClassName", claim.path("spec").path("storageClassName").asText(""));
      spec.put("persistentVolumeReclaimPolicy", "Delete");
      spec.putObject("hostPath").put("path", "/var/lib/kwok-volumes/" + pvName);
      spec.putObject("claimRef").put("namespace", namespace).put("name", name);
      k.applyServerSide(pv.toString()).orThrow(List.of("apply", "PersistentVolume", pvName));
    }
  }
}
