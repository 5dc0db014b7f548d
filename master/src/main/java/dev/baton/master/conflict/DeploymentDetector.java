package dev.baton.master.conflict;

import dev.baton.master.conflict.DeploymentDocs.Deployment;
import dev.baton.master.conflict.DeploymentDocs.DisruptionBudget;
import dev.baton.master.conflict.DeploymentDocs.ServiceConfig;
import dev.baton.master.conflict.DeploymentDocs.Strategy;
import dev.baton.master.plan.PlanModel;
import dev.baton.v1.CrossOrchestratorConflict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The deployment check: the frontend's and backend's deployment_config against devops'
 * deployment_strategy. Finds port collisions (two deployments on one port of a namespace) and path
 * collisions (two on one ingress host and path), a service devops does not deploy, image, namespace,
 * port, path and health-check mismatches between a service and its deployment, and a disruption
 * budget that blocks every voluntary eviction given the replicas. Parties: [config owners, devops].
 */
final class DeploymentDetector implements CheckDetector {
  static final String CHECK = "deployment";
  static final String CONFIG = "deployment_config";
  static final String STRATEGY = "deployment_strategy";

  @Override
  public PlanModel.Check check() {
    return PlanModel.Check.DEPLOYMENT;
  }

  /** A service config and the domain that published it. */
  private record Owned(String domain, ServiceConfig config) {}

  /** One deployment's claim on a port or path: who, from which domain, and which document. */
  private record Claim(String owner, String domain, String source) {}

  @Override
  public List<CrossOrchestratorConflict> detect(SharedDocuments documents) {
    List<SharedDocuments.Published> configDocs = documents.ofKind(CONFIG);
    List<SharedDocuments.Published> strategyDocs = documents.ofKind(STRATEGY);
    if (configDocs.isEmpty() && strategyDocs.isEmpty()) {
      return List.of();
    }
    List<CrossOrchestratorConflict> out = new ArrayList<>();
    if (strategyDocs.isEmpty()) {
      out.add(Conflicts.missing(CHECK, STRATEGY, "devops", "how each service is deployed"));
    }
    List<Owned> configs = new ArrayList<>();
    for (SharedDocuments.Published p : configDocs) {
      try {
        configs.add(new Owned(p.domain(), DeploymentConfigParser.parse(p.name(), p.document().getContent())));
      } catch (DocumentException e) {
        out.add(Conflicts.unreadable(CHECK, p, e));
      }
    }
    Map<String, Deployment> deployments = new TreeMap<>();
    Map<String, String> deploymentDoc = new TreeMap<>();
    String devops = SharedDocuments.domains(strategyDocs, "devops").get(0);
    for (SharedDocuments.Published p : strategyDocs) {
      try {
        Strategy s = DeploymentStrategyParser.parse(p.name(), p.document().getContent());
        for (Deployment d : s.deployments()) {
          if (deployments.putIfAbsent(d.name(), d) == null) {
            deploymentDoc.put(d.name(), s.document());
          }
        }
      } catch (DocumentException e) {
        out.add(Conflicts.unreadable(CHECK, p, e));
      }
    }
    if (!out.isEmpty()) {
      return Conflicts.sorted(out);
    }
    collisions(configs, deployments, deploymentDoc, devops, out);
    Map<String, String> ownerDomain = new TreeMap<>();
    for (Owned o : configs) {
      ownerDomain.putIfAbsent(o.config().service(), o.domain());
      Deployment d = deployments.get(o.config().service());
      if (d == null) {
        out.add(Conflicts.of(CHECK, List.of(o.domain(), devops), "deployment " + o.config().service(),
            o.domain() + " configures " + o.config().service() + " (" + o.config().document()
                + ") and the deployment strategy has no deployment of that name",
            devops + ": add a deployment named " + o.config().service() + " (or " + o.domain()
                + ": use the name devops deploys it under)"));
      } else {
        consistency(o, d, devops, out);
      }
    }
    for (Deployment d : deployments.values()) {
      budget(d, ownerDomain.get(d.name()), devops, out);
    }
    return Conflicts.sorted(out);
  }

  private static void collisions(List<Owned> configs, Map<String, Deployment> deployments,
      Map<String, String> deploymentDoc, String devops, List<CrossOrchestratorConflict> out) {
    Map<String, TreeMap<String, Claim>> byKey = new TreeMap<>();
    for (Owned o : configs) {
      ServiceConfig c = o.config();
      Deployment d = deployments.get(c.service());
      String namespace = c.namespace().orElse(d == null ? DeploymentDocs.DEFAULT_NAMESPACE : d.namespace());
      Claim claim = new Claim(c.service(), o.domain(), c.document());
      c.ports().forEach(p -> claim(byKey, "namespace " + namespace + " port " + p, claim));
      c.paths().forEach(p -> claim(byKey, "host " + c.host() + " path " + p, claim));
    }
    for (Deployment d : deployments.values()) {
      Claim claim = new Claim(d.name(), devops, deploymentDoc.get(d.name()));
      d.ports().forEach(p -> claim(byKey, "namespace " + d.namespace() + " port " + p, claim));
      d.paths().forEach(p -> claim(byKey, "host " + d.host() + " path " + p, claim));
    }
    byKey.forEach((location, claims) -> {
      if (claims.size() < 2) {
        return;
      }
      TreeSet<String> owners = new TreeSet<>();
      List<String> who = new ArrayList<>();
      for (Claim c : claims.values()) {
        if (!c.domain().equals(devops)) {
          owners.add(c.domain());
        }
        who.add(c.owner() + " (" + c.domain() + "'s " + c.source() + ")");
      }
      // devops allocates ports and routes: always a party, last.
      List<String> parties = new ArrayList<>(owners);
      parties.add(devops);
      boolean port = location.contains(" port ");
      out.add(Conflicts.of(CHECK, parties, location,
          (port ? "two deployments listen on " : "two deployments are routed ") + location + ": " + String.join(", ", who),
          devops + ": give " + String.join(" and ", claims.keySet()) + (port ? " distinct ports" : " distinct paths")
              + " and update the services' deployment configs to match"));
    });
  }

  private static void claim(Map<String, TreeMap<String, Claim>> byKey, String key, Claim claim) {
    // A service's own config and its deployment claim the same key: one owner, not a collision.
    byKey.computeIfAbsent(key, k -> new TreeMap<>()).putIfAbsent(claim.owner(), claim);
  }

  private static void consistency(Owned o, Deployment d, String devops, List<CrossOrchestratorConflict> out) {
    ServiceConfig c = o.config();
    List<String> parties = List.of(o.domain(), devops);
    String at = "deployment " + d.name();
    String service = o.domain() + "'s " + c.service() + " (" + c.document() + ")";
    if (c.image().isPresent() && !sameImage(c.image().get(), d.image())) {
      out.add(Conflicts.of(CHECK, parties, at + " image",
          service + " is built as " + c.image().get() + " and devops deploys " + d.image(),
          devops + ": deploy " + c.image().get() + " (or " + o.domain() + ": publish the image devops deploys)"));
    }
    if (c.namespace().isPresent() && !c.namespace().get().equals(d.namespace())) {
      out.add(Conflicts.of(CHECK, parties, at + " namespace",
          service + " expects namespace " + c.namespace().get() + " and devops deploys it to " + d.namespace(),
          devops + ": deploy " + d.name() + " to " + c.namespace().get() + " (or " + o.domain()
              + ": expect namespace " + d.namespace() + ")"));
    }
    List<Integer> missingPorts = c.ports().stream().filter(p -> !d.ports().contains(p)).sorted().toList();
    if (!missingPorts.isEmpty()) {
      out.add(Conflicts.of(CHECK, parties, at + " ports",
          service + " listens on " + missingPorts + " and the deployment exposes " + d.ports(),
          devops + ": expose " + missingPorts + " on " + d.name() + " (or " + o.domain() + ": listen on "
              + d.ports() + ")"));
    }
    List<String> missingPaths = c.paths().stream().filter(p -> !d.paths().contains(p)).sorted().toList();
    if (!missingPaths.isEmpty()) {
      out.add(Conflicts.of(CHECK, parties, at + " paths",
          service + " serves " + missingPaths + " and the deployment routes " + d.paths(),
          devops + ": route " + missingPaths + " to " + d.name()));
    }
    if (c.healthCheckPath().isPresent() && !c.healthCheckPath().equals(d.healthCheckPath())) {
      out.add(Conflicts.of(CHECK, parties, at + " healthCheckPath",
          service + " answers health checks on " + c.healthCheckPath().get() + " and the deployment probes "
              + d.healthCheckPath().orElse("nothing"),
          devops + ": probe " + c.healthCheckPath().get() + " on " + d.name()));
    }
  }

  /** Repositories must match; tags (or digests) only when both sides name one. */
  static boolean sameImage(String a, String b) {
    String[] x = splitImage(a);
    String[] y = splitImage(b);
    return x[0].equals(y[0]) && (x[1].isEmpty() || y[1].isEmpty() || x[1].equals(y[1]));
  }

  private static String[] splitImage(String image) {
    int at = image.indexOf('@');
    if (at >= 0) {
      return new String[] {image.substring(0, at), image.substring(at)};
    }
    int colon = image.lastIndexOf(':');
    if (colon > image.lastIndexOf('/')) {
      return new String[] {image.substring(0, colon), image.substring(colon + 1)};
    }
    return new String[] {image, ""};
  }

  /** A budget that allows no voluntary eviction blocks node drains and rolling maintenance. */
  private static void budget(Deployment d, String owner, String devops, List<CrossOrchestratorConflict> out) {
    Optional<DisruptionBudget> b = d.disruptionBudget();
    if (b.isEmpty()) {
      return;
    }
    int allowed = disruptionsAllowed(b.get(), d.replicas());
    if (allowed > 0) {
      return;
    }
    List<String> parties = owner == null ? List.of(devops) : List.of(owner, devops);
    String fix = b.get().field().equals("minAvailable")
        ? (d.replicas() <= 1 ? "raise replicas to at least 2, or set maxUnavailable: 1"
            : "set minAvailable to at most " + (d.replicas() - 1) + " (or raise replicas above " + b.get().value() + ")")
        : (d.replicas() <= 1 ? "raise replicas to at least 2 and set maxUnavailable: 1" : "set maxUnavailable to at least 1");
    out.add(Conflicts.of(CHECK, parties, "deployment " + d.name() + " disruptionBudget",
        d.name() + " runs " + d.replicas() + " replica(s) with " + b.get().field() + ": " + b.get().value()
            + ", so no pod may ever be evicted (node drains and upgrades block)",
        devops + ": " + fix));
  }

  /** Kubernetes' arithmetic: percentages round up for both fields. */
  static int disruptionsAllowed(DisruptionBudget b, int replicas) {
    String v = b.value();
    int n = v.endsWith("%")
        ? (int) Math.ceil(replicas * Integer.parseInt(v.substring(0, v.length() - 1)) / 100.0)
        : Integer.parseInt(v);
    return b.field().equals("minAvailable") ? replicas - n : Math.min(n, replicas);
  }
}
