package dev.baton.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Baton's own checks of a rendered overlay: what the schemas and kube-score cannot know. The
 * contract of issue 12 (names, ports, probes, mounts, drain timing), the security context of every
 * container, a PodDisruptionBudget for every workload that runs more than one pod (or may, under an
 * HPA), topology spread, that every referenced ConfigMap, Secret, Service and scale target exists
 * or is one the operator creates, no RBAC, and that every Baton container's args parse as real
 * flags ({@link CliArgs}). Each problem is one line naming the object and what to change.
 */
final class ManifestChecks {
  static final List<String> DOMAINS = List.of("frontend", "backend", "devops", "testing");

  /** Secrets the operator creates (docs/kubernetes.md, "Secrets"); the overlays only reference them. */
  static final Set<String> OPERATOR_SECRETS = Set.of(
      "baton-tls-master", "baton-tls-frontend", "baton-tls-backend", "baton-tls-devops", "baton-tls-testing",
      "baton-callers", "baton-agent-keys", "baton-journal");

  static final int HEALTH_PORT = 7280;
  static final int PRESTOP_SECONDS = 5;
  static final int DRAIN_MARGIN_SECONDS = 15;
  private static final Pattern DURATION = Pattern.compile("(\\d+)(s|m)");
  private static final Pattern HOST_PORT = Pattern.compile("([a-z0-9.-]+):(\\d+)");

  private final List<JsonNode> docs;
  private final List<String> problems = new ArrayList<>();

  ManifestChecks(List<JsonNode> docs) {
    this.docs = docs;
  }

  static List<JsonNode> parse(String yaml) throws IOException {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
    List<JsonNode> docs = new ArrayList<>();
    try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
      Iterator<JsonNode> it = mapper.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  List<String> run() {
    Map<String, JsonNode> byKindName = new LinkedHashMap<>();
    for (JsonNode doc : docs) {
      byKindName.put(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText(), doc);
    }
    for (String kind : List.of("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")) {
      docs.stream().filter(d -> d.path("kind").asText().equals(kind)).forEach(d -> problems.add(
          kind + "/" + name(d) + ": Baton does not call the Kubernetes API; remove the RBAC object"));
    }
    docs.stream().filter(d -> kind(d, "ServiceAccount")).forEach(d -> {
      if (!d.path("automountServiceAccountToken").isBoolean() || d.path("automountServiceAccountToken").asBoolean()) {
        problems.add("ServiceAccount/" + name(d) + ": set automountServiceAccountToken: false (Baton needs no API token)");
      }
    });
    require(byKindName, "StatefulSet/baton-master", "the masters' StatefulSet");
    require(byKindName, "Service/baton-master", "the masters' client Service");
    require(byKindName, "Service/baton-master-peers", "the masters' headless Service");
    for (String domain : DOMAINS) {
      require(byKindName, "Deployment/baton-" + domain, "the " + domain + " sub-orchestrators");
    }
    JsonNode peers = byKindName.get("Service/baton-master-peers");
    if (peers != null && !"None".equals(peers.path("spec").path("clusterIP").asText())) {
      problems.add("Service/baton-master-peers: must be headless (clusterIP: None)");
    }
    Map<String, Integer> hpaMin = new HashMap<>();
    for (JsonNode hpa : docs.stream().filter(d -> kind(d, "HorizontalPodAutoscaler")).toList()) {
      JsonNode target = hpa.path("spec").path("scaleTargetRef");
      String key = target.path("kind").asText() + "/" + target.path("name").asText();
      if (!byKindName.containsKey(key)) {
        problems.add("HorizontalPodAutoscaler/" + name(hpa) + ": scaleTargetRef " + key + " does not exist");
      }
      hpaMin.put(key, hpa.path("spec").path("minReplicas").asInt(1));
      if (hpa.path("spec").path("maxReplicas").asInt() < hpaMin.get(key)) {
        problems.add("HorizontalPodAutoscaler/" + name(hpa) + ": maxReplicas below minReplicas");
      }
    }
    for (JsonNode workload : docs.stream().filter(d -> kind(d, "Deployment") || kind(d, "StatefulSet")).toList()) {
      checkWorkload(workload, byKindName, hpaMin);
    }
    return problems;
  }

  private void checkWorkload(JsonNode w, Map<String, JsonNode> byKindName, Map<String, Integer> hpaMin) {
    String id = w.path("kind").asText() + "/" + name(w);
    JsonNode spec = w.path("spec");
    JsonNode pod = spec.path("template").path("spec");
    Map<String, String> labels = labels(spec.path("template").path("metadata").path("labels"));
    int replicas = Math.max(spec.path("replicas").asInt(1), hpaMin.getOrDefault(id, 0));
    if (kind(w, "StatefulSet")) {
      String serviceName = spec.path("serviceName").asText();
      JsonNode svc = byKindName.get("Service/" + serviceName);
      if (svc == null || !"None".equals(svc.path("spec").path("clusterIP").asText())) {
        problems.add(id + ": serviceName '" + serviceName + "' must name a headless Service in the overlay");
      }
    }
    if (replicas > 1 && docs.stream().filter(d -> kind(d, "PodDisruptionBudget"))
        .noneMatch(pdb -> selects(pdb.path("spec").path("selector").path("matchLabels"), labels))) {
      problems.add(id + ": runs " + replicas + " pods but no PodDisruptionBudget selects them; add one (components/pdb)");
    }
    boolean spread = false;
    for (JsonNode c : pod.path("topologySpreadConstraints")) {
      spread |= "kubernetes.io/hostname".equals(c.path("topologyKey").asText());
    }
    if (!spread) {
      problems.add(id + ": no topologySpreadConstraints on kubernetes.io/hostname; spread its pods across nodes");
    }
    if (pod.path("automountServiceAccountToken").asBoolean(true)) {
      problems.add(id + ": set automountServiceAccountToken: false in the pod spec");
    }
    JsonNode podSec = pod.path("securityContext");
    Map<String, String> volumes = new HashMap<>();
    for (JsonNode v : pod.path("volumes")) {
      volumes.put(v.path("name").asText(), v.has("emptyDir") ? "emptyDir" : v.has("secret") ? "secret"
          : v.has("configMap") ? "configMap" : "other");
      String secret = v.path("secret").path("secretName").asText(null);
      if (secret != null && !byKindName.containsKey("Secret/" + secret) && !OPERATOR_SECRETS.contains(secret)) {
        problems.add(id + ": volume '" + v.path("name").asText() + "' mounts Secret " + secret
            + ", which neither the overlay defines nor docs/kubernetes.md lists as operator-provided");
      }
      String configMap = v.path("configMap").path("name").asText(null);
      if (configMap != null && !byKindName.containsKey("ConfigMap/" + configMap)) {
        problems.add(id + ": volume '" + v.path("name").asText() + "' mounts ConfigMap " + configMap + ", which the overlay does not define");
      }
    }
    for (JsonNode claim : spec.path("volumeClaimTemplates")) {
      volumes.put(claim.path("metadata").path("name").asText(), "pvc");
    }
    for (JsonNode c : pod.path("containers")) {
      checkContainer(id + " container " + c.path("name").asText(), c, podSec, volumes, pod, byKindName);
    }
  }

  private void checkContainer(String where, JsonNode c, JsonNode podSec, Map<String, String> volumes,
      JsonNode pod, Map<String, JsonNode> byKindName) {
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      if (!c.has(probe)) {
        problems.add(where + ": no " + probe);
      }
    }
    for (String resource : List.of("cpu", "memory")) {
      for (String bound : List.of("requests", "limits")) {
        if (c.path("resources").path(bound).path(resource).isMissingNode()) {
          problems.add(where + ": no resources." + bound + "." + resource);
        }
      }
    }
    JsonNode sec = c.path("securityContext");
    if (!effective(sec, podSec, "runAsNonRoot").asBoolean(false)) {
      problems.add(where + ": securityContext.runAsNonRoot must be true");
    }
    if (!sec.path("readOnlyRootFilesystem").asBoolean(false)) {
      problems.add(where + ": securityContext.readOnlyRootFilesystem must be true");
    }
    if (!sec.path("allowPrivilegeEscalation").isBoolean() || sec.path("allowPrivilegeEscalation").asBoolean()) {
      problems.add(where + ": securityContext.allowPrivilegeEscalation must be false");
    }
    boolean dropsAll = false;
    for (JsonNode cap : sec.path("capabilities").path("drop")) {
      dropsAll |= "ALL".equals(cap.asText());
    }
    if (!dropsAll || sec.path("capabilities").has("add")) {
      problems.add(where + ": securityContext.capabilities must drop [ALL] and add none");
    }
    if (!"RuntimeDefault".equals(effective(sec, podSec, "seccompProfile").path("type").asText())) {
      problems.add(where + ": seccompProfile.type must be RuntimeDefault");
    }
    String role = c.path("args").path(0).asText();
    if (role.equals("master") || role.equals("orchestrator")) {
      checkBaton(where, role, c, volumes, pod, byKindName);
    }
  }

  /** The contract of issue 12 for a Baton container (docs/kubernetes.md, "What the manifests hold"). */
  private void checkBaton(String where, String role, JsonNode c, Map<String, String> volumes, JsonNode pod,
      Map<String, JsonNode> byKindName) {
    if (!c.path("image").asText().matches("(.*/)?baton(:[^:/]+|@sha256:[0-9a-f]+)?")) {
      problems.add(where + ": image '" + c.path("image").asText() + "' is not the baton image");
    }
    Map<String, Integer> want = role.equals("master")
        // issue 13: the master's web dashboard on 8233 (docs/dashboard.md)
        ? Map.of("grpc", 7233, "git", 7234, "health", HEALTH_PORT, "metrics", 9464, "dashboard", 8233)
        : Map.of("grpc", 7300, "health", HEALTH_PORT, "metrics", 9464);
    Map<String, Integer> ports = new HashMap<>();
    for (JsonNode p : c.path("ports")) {
      ports.put(p.path("name").asText(), p.path("containerPort").asInt());
    }
    if (!ports.equals(want)) {
      problems.add(where + ": ports " + ports + " differ from the contract " + want);
    }
    String service = role.equals("master") ? "baton.v1.Master" : "baton.v1.SubOrchestrator";
    checkGrpcProbe(where, c.path("readinessProbe"), "readinessProbe", service);
    checkGrpcProbe(where, c.path("livenessProbe"), "livenessProbe", "liveness");
    checkGrpcProbe(where, c.path("startupProbe"), "startupProbe", "liveness");
    Map<String, String> mounts = new HashMap<>();
    for (JsonNode m : c.path("volumeMounts")) {
      mounts.put(m.path("mountPath").asText(), m.path("name").asText());
      if (m.has("subPath")) {
        problems.add(where + ": mount " + m.path("mountPath").asText() + " uses subPath, which is never updated; mount the directory");
      }
    }
    if (!"emptyDir".equals(volumes.get(mounts.get("/tmp")))) {
      problems.add(where + ": /tmp must be an emptyDir (the root filesystem is read-only)");
    }
    if (mounts.get("/var/lib/baton") == null) {
      problems.add(where + ": /var/lib/baton must be a volume (the root filesystem is read-only)");
    }
    List<String> args = new ArrayList<>();
    c.path("args").forEach(a -> args.add(a.asText()));
    Map<String, String> flags = new HashMap<>();
    for (String a : args) {
      if (a.startsWith("--") && a.contains("=")) {
        flags.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
      }
    }
    if (!String.valueOf(HEALTH_PORT).equals(flags.get("--health-port"))) {
      problems.add(where + ": args need --health-port=" + HEALTH_PORT + " (the probes' port)");
    }
    if (!"9464".equals(flags.get("--metrics-port"))) {
      problems.add(where + ": args need --metrics-port=9464");
    }
    if (role.equals("master") && !"8233".equals(flags.get("--dashboard-port"))) {
      problems.add(where + ": args need --dashboard-port=8233 (the container port named dashboard)");
    }
    if (!"$(POD_IP)".equals(flags.get("--host"))) {
      problems.add(where + ": args need --host=$(POD_IP) (bind the pod IP)");
    }
    for (String[] tls : new String[][] {{"--tls-cert", "tls.crt"}, {"--tls-key", "tls.key"}, {"--tls-ca", "ca.crt"}}) {
      if (!("/etc/baton/tls/" + tls[1]).equals(flags.get(tls[0]))) {
        problems.add(where + ": args need " + tls[0] + "=/etc/baton/tls/" + tls[1]);
      }
    }
    if (!"spiffe".equals(flags.get("--tls-server-identity"))) {
      problems.add(where + ": args need --tls-server-identity=spiffe (peers are dialled at pod IPs no certificate names)");
    }
    if (role.equals("master")
        && !"$(POD_NAME).baton-master-peers.$(POD_NAMESPACE).svc.cluster.local".equals(flags.get("--advertise"))) {
      problems.add(where + ": args need --advertise=$(POD_NAME).baton-master-peers.$(POD_NAMESPACE).svc.cluster.local"
          + " (the name the master's certificate holds)");
    }
    int preStop = c.path("lifecycle").path("preStop").path("sleep").path("seconds").asInt(-1);
    if (preStop != PRESTOP_SECONDS) {
      problems.add(where + ": lifecycle.preStop must be a sleep of " + PRESTOP_SECONDS + " s (the image has no shell)");
    }
    if (role.equals("orchestrator")) {
      Matcher m = DURATION.matcher(flags.getOrDefault("--drain-timeout", "30s"));
      if (!m.matches()) {
        problems.add(where + ": --drain-timeout=" + flags.get("--drain-timeout") + " is not N s or N m (write e.g. 45s or 2m)");
      } else {
        int drain = Integer.parseInt(m.group(1)) * (m.group(2).equals("m") ? 60 : 1);
        int grace = pod.path("terminationGracePeriodSeconds").asInt(30);
        if (grace != drain + DRAIN_MARGIN_SECONDS) {
          problems.add(where + ": terminationGracePeriodSeconds is " + grace + " but --drain-timeout is " + drain
              + " s: set it to " + (drain + DRAIN_MARGIN_SECONDS) + " (drain + " + DRAIN_MARGIN_SECONDS + " s)");
        }
      }
      String domain = flags.get("--domain");
      for (String[] mount : new String[][] {{"/etc/baton/droids", "baton-droids-"}, {"/etc/baton/policy", "baton-policy-"}}) {
        String volume = mounts.get(mount[0]);
        String configMap = volume == null ? null : configMapOf(pod, volume);
        if (!(mount[1] + domain).equals(configMap)) {
          problems.add(where + ": " + mount[0] + " must mount ConfigMap " + mount[1] + domain);
        }
      }
      String master = flags.get("--master");
      if (master != null) {
        Matcher hp = HOST_PORT.matcher(master);
        if (!hp.matches() || !servicePort(byKindName.get("Service/" + hp.group(1)), Integer.parseInt(hp.group(2)))) {
          problems.add(where + ": --master=" + master + " names no Service and port of the overlay");
        }
      }
    }
    Map<String, String> env = new HashMap<>();
    for (JsonNode e : c.path("env")) {
      String name = e.path("name").asText();
      if (e.has("value")) {
        env.put(name, e.path("value").asText());
        Matcher hp = HOST_PORT.matcher(e.path("value").asText());
        if (name.equals("CONSUL_HTTP_ADDR") && (!hp.matches()
            || !servicePort(byKindName.get("Service/" + hp.group(1)), Integer.parseInt(hp.group(2))))) {
          problems.add(where + ": CONSUL_HTTP_ADDR=" + e.path("value").asText() + " names no Service and port of the overlay");
        }
      } else {
        JsonNode ref = e.path("valueFrom").path("secretKeyRef");
        if (!ref.isMissingNode() && !OPERATOR_SECRETS.contains(ref.path("name").asText())
            && !byKindName.containsKey("Secret/" + ref.path("name").asText())) {
          problems.add(where + ": env " + name + " reads Secret " + ref.path("name").asText() + ", which is not defined nor operator-provided");
        }
        // A sample standing for the value the kubelet fills in (a TEST-NET address for IPs).
        env.put(name, switch (name) {
          case "POD_IP" -> "192.0.2.10";
          case "BATON_JOURNAL_URL" -> "postgres://baton:secret@db.example:5432/baton";
          case "POD_NAMESPACE" -> "baton";
          default -> "baton-sample-0";
        });
      }
    }
    problems.addAll(CliArgs.check(where, args, env));
  }

  private void checkGrpcProbe(String where, JsonNode probe, String which, String service) {
    JsonNode grpc = probe.path("grpc");
    if (grpc.path("port").asInt() != HEALTH_PORT || !service.equals(grpc.path("service").asText())) {
      problems.add(where + ": " + which + " must be grpc {port: " + HEALTH_PORT + ", service: " + service + "}");
    }
  }

  private static String configMapOf(JsonNode pod, String volume) {
    for (JsonNode v : pod.path("volumes")) {
      if (v.path("name").asText().equals(volume)) {
        return v.path("configMap").path("name").asText(null);
      }
    }
    return null;
  }

  private static boolean servicePort(JsonNode service, int port) {
    if (service == null) {
      return false;
    }
    for (JsonNode p : service.path("spec").path("ports")) {
      if (p.path("port").asInt() == port) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode effective(JsonNode container, JsonNode pod, String field) {
    return container.has(field) ? container.path(field) : pod.path(field);
  }

  private static boolean selects(JsonNode matchLabels, Map<String, String> labels) {
    if (!matchLabels.isObject() || matchLabels.isEmpty()) {
      return false;
    }
    for (var it = matchLabels.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, String> labels(JsonNode node) {
    Map<String, String> labels = new HashMap<>();
    node.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  private void require(Map<String, JsonNode> byKindName, String key, String what) {
    if (!byKindName.containsKey(key)) {
      problems.add("missing " + key + " (" + what + ", a name of issue 12's contract)");
    }
  }

  private static boolean kind(JsonNode doc, String kind) {
    return kind.equals(doc.path("kind").asText());
  }

  private static String name(JsonNode doc) {
    return doc.path("metadata").path("name").asText();
  }
}
