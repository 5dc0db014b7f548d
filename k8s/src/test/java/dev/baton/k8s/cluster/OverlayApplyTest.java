package dev.baton.k8s.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Applies every overlay (k8s/overlays/*, or the fixture while there are none) to a real API server
 * with three kwok nodes ({@link KubeCluster}), server-side, and watches it work: everything rolls out
 * Ready, pods spread over nodes where the spread demands it, every workload of more than one replica
 * has a PodDisruptionBudget that reports its allowed disruptions, a Deployment follows its scale
 * subresource up and down and completes a rolling update, the Eviction API is refused once the budget
 * is spent, and the server rejects what a schema check lets through.
 *
 * <p>The methods run in order on one cluster: the first applies every overlay, the later ones use the
 * namespaces it left (each re-applies an overlay if it is missing, so they also run alone).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OverlayApplyTest {
  @RegisterExtension
  static final KubeCluster CLUSTER = new KubeCluster();

  private static final Path REPO = Path.of(System.getProperty("baton.repo.root", "..")).toAbsolutePath().normalize();
  private static final Map<Path, List<JsonNode>> APPLIED = Collections.synchronizedMap(new LinkedHashMap<>());

  @Test
  @Order(1)
  void everyOverlayAppliesServerSideAndRollsOutOnKwokNodes() throws Exception {
    List<Path> overlays = Overlays.discover(REPO);
    assertThat(overlays).as("overlays under k8s/overlays or the fixture").isNotEmpty();
    for (Path overlay : overlays) {
      long started = System.nanoTime();
      List<JsonNode> docs = apply(overlay);
      String ns = Overlays.namespace(overlay);
      Rollouts.awaitAll(CLUSTER, ns);
      checkSpread(ns);
      checkBudgets(ns);
      System.out.printf("overlay %s: %d objects applied and rolled out in %.1f s%n",
          overlay.getFileName(), docs.size(), (System.nanoTime() - started) / 1e9);
    }
  }

  @Test
  @Order(2)
  void aDeploymentFollowsItsScaleSubresourceUpAndDown() throws Exception {
    JsonNode deployment = largestDeployment();
    String ns = deployment.path("metadata").path("namespace").asText();
    String dname = deployment.path("metadata").path("name").asText();
    Kubectl k = CLUSTER.kubectl();
    int replicas = deployment.path("spec").path("replicas").asInt();
    // Up two and back down, within the HPA's bounds when one targets it (it would undo anything outside).
    int up = Math.min(replicas + 2, Rollouts.hpaMax(k, ns, dname));
    assertThat(up).as("room to scale deployment/%s up", dname).isGreaterThan(replicas);
    for (int target : new int[] {up, up - 1, replicas}) {
      k.ok("scale", "deployment/" + dname, "-n", ns, "--replicas=" + target);
      JsonNode scale = k.json("get", "deployment/" + dname, "-n", ns, "--subresource=scale");
      assertThat(scale.path("spec").path("replicas").asInt()).isEqualTo(target);
      Rollouts.await(CLUSTER, ns, "deployment/" + dname, target);
    }
  }

  @Test
  @Order(3)
  void aChangedPodTemplateRollsOutToEveryReplica() throws Exception {
    JsonNode deployment = largestDeployment();
    String ns = deployment.path("metadata").path("namespace").asText();
    String dname = deployment.path("metadata").path("name").asText();
    Kubectl k = CLUSTER.kubectl();
    int replicas = deployment.path("spec").path("replicas").asInt();
    String stamp = UUID.randomUUID().toString();
    k.ok("patch", "deployment/" + dname, "-n", ns, "--type=merge", "-p",
        "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"baton.dev/test-rollout\":\"" + stamp + "\"}}}}}");
    Rollouts.await(CLUSTER, ns, "deployment/" + dname, replicas);
    List<JsonNode> pods = Rollouts.readyPods(k, ns, k.json("get", "deployment/" + dname, "-n", ns));
    assertThat(pods).hasSize(replicas).allSatisfy(pod ->
        assertThat(pod.path("metadata").path("annotations").path("baton.dev/test-rollout").asText()).isEqualTo(stamp));
    // The old ReplicaSet is scaled to zero; exactly one ReplicaSet of the Deployment still has pods.
    long withPods = k.items(ns, "replicasets").stream()
        .filter(rs -> rs.path("metadata").path("ownerReferences").path(0).path("name").asText().equals(dname))
        .filter(rs -> rs.path("status").path("replicas").asInt() > 0).count();
    assertThat(withPods).isEqualTo(1);
  }

  @Test
  @Order(4)
  void theEvictionApiIsRefusedOnceTheBudgetIsSpent() throws Exception {
    Kubectl k = CLUSTER.kubectl();
    List<String> namespaces = new ArrayList<>();
    for (Path overlay : Overlays.discover(REPO)) {
      ensureApplied(overlay);
      namespaces.add(Overlays.namespace(overlay));
    }
    String[] ns = new String[1];
    // The PDB controller recomputes after every change: wait until a Deployment's budget is settled
    // (all expected pods healthy) and allows at least one disruption.
    JsonNode[] found = new JsonNode[2];
    CLUSTER.poll("a settled PodDisruptionBudget of a Deployment allowing a disruption", Rollouts.ROLLOUT_TIMEOUT, () -> {
      for (String namespace : namespaces) {
      for (JsonNode p : k.items(namespace, "poddisruptionbudgets")) {
        JsonNode st = p.path("status");
        if (st.path("disruptionsAllowed").asInt() < 1 || st.path("currentHealthy").asInt() != st.path("expectedPods").asInt()
            || st.path("observedGeneration").asLong() < p.path("metadata").path("generation").asLong()) {
          continue;
        }
        for (JsonNode w : k.items(namespace, "deployments")) {
          if (Rollouts.selects(p.path("spec").path("selector").path("matchLabels"),
              w.path("spec").path("template").path("metadata").path("labels"))) {
            found[0] = p;
            found[1] = w;
            ns[0] = namespace;
            return true;
          }
        }
      }
      }
      return false;
    });
    JsonNode pdb = found[0];
    JsonNode workload = found[1];
    int allowed = pdb.path("status").path("disruptionsAllowed").asInt();
    List<String> nodes = new ArrayList<>();
    k.items("default", "nodes").forEach(n -> nodes.add(n.path("metadata").path("name").asText()));
    // Cordon every node: an evicted pod's replacement then stays Pending, so the budget stays spent
    // (a drain of the whole pool, the worst case a PDB exists for).
    nodes.forEach(n -> k.ok("cordon", n));
    try {
      int evicted = 0;
      String refusal = null;
      for (JsonNode pod : Rollouts.readyPods(k, ns[0], workload)) {
        String name = pod.path("metadata").path("name").asText();
        String eviction = "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + name
            + "\",\"namespace\":\"" + ns[0] + "\"}}";
        Kubectl.Result r = k.runWithInput(eviction, "create", "--raw", "/api/v1/namespaces/" + ns[0] + "/pods/" + name + "/eviction", "-f", "-");
        if (r.ok()) {
          evicted++;
        } else {
          refusal = r.err();
          break;
        }
      }
      System.out.printf("PDB %s allowed %d disruption(s): %d eviction(s) accepted, then: %s%n",
          pdb.path("metadata").path("name").asText(), allowed, evicted, refusal == null ? "none refused" : refusal.strip());
      assertThat(evicted).isEqualTo(allowed);
      assertThat(refusal).contains("disruption budget");
    } finally {
      nodes.forEach(n -> k.ok("uncordon", n));
    }
    Rollouts.awaitAll(CLUSTER, ns[0]);
  }

  @Test
  @Order(5)
  void theServerRejectsWhatASchemaCheckLetsThrough() throws Exception {
    Kubectl k = CLUSTER.kubectl();
    // A whole overlay that renders and is well-typed, but asks for a port above 65535.
    Path broken = Overlays.fixtureRoot(REPO).resolve("broken");
    String ns = Overlays.namespace(broken);
    k.applyServerSide("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + ns + "\"}}").orThrow(List.of("ns"));
    Kubectl.Result r = k.applyServerSide(Overlays.render(CLUSTER, broken, ns));
    assertThat(r.ok()).as("applying the broken overlay fails").isFalse();
    assertThat(r.err()).contains("Invalid value: 70000").contains("containerPort");
    assertThat(k.items(ns, "deployments")).as("nothing of the broken Deployment was stored").isEmpty();

    // The same kinds of mistake on a Deployment of each real overlay, checked with a server dry run.
    for (Path overlay : Overlays.discover(REPO)) {
      JsonNode deployment = ensureApplied(overlay).stream()
          .filter(d -> "Deployment".equals(d.path("kind").asText())).findFirst().orElseThrow();
      ObjectNode badPort = deployment.deepCopy();
      ObjectNode container = (ObjectNode) badPort.path("spec").path("template").path("spec").path("containers").path(0);
      container.withArray("ports").removeAll().addObject().put("name", "grpc").put("containerPort", 70000);
      assertRejected(k, badPort, "containerPort");

      ObjectNode badName = deployment.deepCopy();
      ((ObjectNode) badName.path("metadata")).put("name", "Baton_Backend");
      assertRejected(k, badName, "metadata.name");

      ObjectNode requestsOverLimits = deployment.deepCopy();
      ObjectNode resources = ((ObjectNode) requestsOverLimits.path("spec").path("template").path("spec")
          .path("containers").path(0)).putObject("resources");
      resources.putObject("requests").put("cpu", "2");
      resources.putObject("limits").put("cpu", "1");
      assertRejected(k, requestsOverLimits, "must be less than or equal to cpu limit");
    }
  }

  private static void assertRejected(Kubectl k, JsonNode manifest, String expected) {
    Kubectl.Result r = k.applyServerSide(manifest.toString(), "--dry-run=server");
    assertThat(r.ok()).as("server dry run of an invalid Deployment fails").isFalse();
    assertThat(r.err()).contains(expected);
  }

  /** Renders, creates the namespace and the operator's Secrets, applies server-side; returns the rendered objects. */
  private static List<JsonNode> apply(Path overlay) throws Exception {
    String ns = Overlays.namespace(overlay);
    Kubectl k = CLUSTER.kubectl();
    List<JsonNode> docs = Overlays.documents(Overlays.render(CLUSTER, overlay, ns));
    k.applyServerSide("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + ns + "\"}}")
        .orThrow(List.of("apply", "namespace", ns));
    for (ObjectNode secret : Overlays.operatorSecrets(docs, ns)) {
      k.applyServerSide(secret.toString()).orThrow(List.of("apply", "secret", secret.path("metadata").path("name").asText()));
    }
    Kubectl.Result result = k.applyServerSide(String.join("\n---\n", docs.stream().map(JsonNode::toString).toList()));
    assertThat(result.ok()).as("server-side apply of %s: %s", overlay, result.err()).isTrue();
    APPLIED.put(overlay, docs);
    return docs;
  }

  private static List<JsonNode> ensureApplied(Path overlay) throws Exception {
    List<JsonNode> docs = APPLIED.get(overlay);
    if (docs == null) {
      docs = apply(overlay);
      Rollouts.awaitAll(CLUSTER, Overlays.namespace(overlay));
    }
    return docs;
  }

  /** The Deployment with the most replicas over every overlay's namespace (the first overlay's on a tie). */
  private static JsonNode largestDeployment() throws Exception {
    JsonNode best = null;
    for (Path overlay : Overlays.discover(REPO)) {
      ensureApplied(overlay);
      for (JsonNode d : CLUSTER.kubectl().items(Overlays.namespace(overlay), "deployments")) {
        if (best == null || d.path("spec").path("replicas").asInt() > best.path("spec").path("replicas").asInt()) {
          best = d;
        }
      }
    }
    assertThat(best).as("a Deployment in some overlay").isNotNull();
    return best;
  }

  /**
   * Every topology spread constraint holds over the nodes' domains: {@code DoNotSchedule} is a rule
   * the scheduler must keep; {@code ScheduleAnyway} a preference, which it keeps on this quiet,
   * roomy cluster right after a rollout (the state checked here), so both are asserted. With
   * {@code maxSkew: 1} and no more pods than domains, the pods are on distinct nodes.
   */
  private static void checkSpread(String ns) {
    Kubectl k = CLUSTER.kubectl();
    for (JsonNode w : k.items(ns, "deployments,statefulsets")) {
      for (JsonNode c : w.path("spec").path("template").path("spec").path("topologySpreadConstraints")) {
        List<JsonNode> pods = Rollouts.readyPods(k, ns, w);
        Map<String, Integer> spread = Rollouts.spread(k, pods, c.path("topologyKey").asText());
        int skew = Collections.max(spread.values()) - Collections.min(spread.values());
        String what = w.path("kind").asText() + "/" + w.path("metadata").path("name").asText()
            + " over " + c.path("topologyKey").asText() + " (" + c.path("whenUnsatisfiable").asText() + ", maxSkew "
            + c.path("maxSkew").asInt(1) + "): " + spread;
        System.out.println("spread " + ns + " " + what);
        assertThat(skew).as(what).isLessThanOrEqualTo(c.path("maxSkew").asInt(1));
        if (c.path("maxSkew").asInt(1) == 1 && pods.size() <= spread.size()) {
          Set<String> domains = new TreeSet<>();
          pods.forEach(p -> domains.add(p.path("spec").path("nodeName").asText()));
          assertThat(domains).as("pods on distinct nodes: " + what).hasSize(pods.size());
        }
      }
    }
  }

  /** Every workload of more than one replica has a PDB, and each PDB reports its allowed disruptions. */
  private static void checkBudgets(String ns) {
    Kubectl k = CLUSTER.kubectl();
    CLUSTER.poll("PodDisruptionBudgets in " + ns + " observed and healthy", Rollouts.ROLLOUT_TIMEOUT, () ->
        k.items(ns, "poddisruptionbudgets").stream().allMatch(p ->
            p.path("status").path("observedGeneration").asLong() >= p.path("metadata").path("generation").asLong()
                && p.path("status").path("currentHealthy").asInt() == p.path("status").path("expectedPods").asInt()
                && p.path("status").path("expectedPods").asInt() > 0));
    List<JsonNode> pdbs = k.items(ns, "poddisruptionbudgets");
    for (JsonNode w : k.items(ns, "deployments,statefulsets")) {
      if (w.path("spec").path("replicas").asInt() <= 1) {
        continue;
      }
      JsonNode labels = w.path("spec").path("template").path("metadata").path("labels");
      assertThat(pdbs).as("a PodDisruptionBudget for %s/%s (%d replicas)", w.path("kind").asText(),
              w.path("metadata").path("name").asText(), w.path("spec").path("replicas").asInt())
          .anyMatch(p -> Rollouts.selects(p.path("spec").path("selector").path("matchLabels"), labels));
    }
    for (JsonNode p : pdbs) {
      System.out.printf("PDB %s/%s: expected %d, healthy %d, disruptions allowed %d%n", ns,
          p.path("metadata").path("name").asText(), p.path("status").path("expectedPods").asInt(),
          p.path("status").path("currentHealthy").asInt(), p.path("status").path("disruptionsAllowed").asInt());
    }
  }
}
