package dev.baton.master.conflict;

import dev.baton.master.conflict.InfrastructureDocs.Needs;
import dev.baton.master.conflict.InfrastructureDocs.PortAllocation;
import dev.baton.master.conflict.InfrastructureDocs.Provisions;
import dev.baton.master.conflict.InfrastructureDocs.ServiceNeed;
import dev.baton.master.conflict.InfrastructureDocs.ServiceProvision;
import dev.baton.master.plan.PlanModel;
import dev.baton.v1.CrossOrchestratorConflict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The infrastructure check: the backend's infrastructure_needs against devops'
 * infrastructure_provisions. Finds a missing service, a version outside the needed range, a missing
 * env var, a port clash (two owners on one port, across both documents) and a CPU or memory
 * shortfall (the sum of all needs against the sum of all provisions). Parties: [needs, provisions].
 */
final class InfrastructureDetector implements CheckDetector {
  static final String CHECK = "infrastructure";
  static final String NEEDS = "infrastructure_needs";
  static final String PROVISIONS = "infrastructure_provisions";

  @Override
  public PlanModel.Check check() {
    return PlanModel.Check.INFRASTRUCTURE;
  }

  @Override
  public List<CrossOrchestratorConflict> detect(SharedDocuments documents) {
    List<SharedDocuments.Published> needDocs = documents.ofKind(NEEDS);
    List<SharedDocuments.Published> provisionDocs = documents.ofKind(PROVISIONS);
    if (needDocs.isEmpty() && provisionDocs.isEmpty()) {
      return List.of();
    }
    List<CrossOrchestratorConflict> out = new ArrayList<>();
    if (needDocs.isEmpty()) {
      out.add(Conflicts.missing(CHECK, NEEDS, "backend", "the services, env vars, ports and resources it needs"));
    }
    if (provisionDocs.isEmpty()) {
      out.add(Conflicts.missing(CHECK, PROVISIONS, "devops", "the services, env vars, ports and resources it provides"));
    }
    List<Needs> needs = new ArrayList<>();
    List<String> needParties = new ArrayList<>();
    for (SharedDocuments.Published p : needDocs) {
      try {
        needs.add(InfrastructureNeedsParser.parse(p.name(), p.document().getContent(), p.domain()));
        needParties.add(p.domain());
      } catch (DocumentException e) {
        out.add(Conflicts.unreadable(CHECK, p, e));
      }
    }
    List<Provisions> provisions = new ArrayList<>();
    for (SharedDocuments.Published p : provisionDocs) {
      try {
        provisions.add(InfrastructureProvisionsParser.parse(p.name(), p.document().getContent()));
      } catch (DocumentException e) {
        out.add(Conflicts.unreadable(CHECK, p, e));
      }
    }
    if (!out.isEmpty()) {
      return Conflicts.sorted(out);
    }
    List<String> parties = new ArrayList<>(new TreeSet<>(needParties));
    parties.addAll(SharedDocuments.domains(provisionDocs, "devops"));
    new Comparison(needs, provisions, parties, out).run();
    return Conflicts.sorted(out);
  }

  /** One comparison of all needs against all provisions. */
  private record Comparison(List<Needs> needs, List<Provisions> provisions, List<String> parties,
      List<CrossOrchestratorConflict> out) {

    void run() {
      Map<String, ServiceProvision> provided = new TreeMap<>();
      TreeSet<String> env = new TreeSet<>();
      for (Provisions p : provisions) {
        p.services().forEach(s -> provided.putIfAbsent(s.name(), s));
        env.addAll(p.env());
      }
      for (Needs n : needs) {
        for (ServiceNeed s : n.services()) {
          service(n, s, provided.get(s.name()));
        }
        for (String var : n.env()) {
          if (!env.contains(var)) {
            add("env " + var,
                n.app() + " reads " + var + " (" + n.document() + ") and the provisions offer no such variable",
                "devops: provide " + var + " to " + n.app() + " (or backend: stop reading it)");
          }
        }
      }
      ports();
      resources();
    }

    private void service(Needs n, ServiceNeed need, ServiceProvision got) {
      if (got == null) {
        add("service " + need.name(),
            n.app() + " needs " + need.name() + " " + need.version() + " (" + n.document()
                + ") and devops provides no " + need.name(),
            "devops: provision " + need.name() + " " + need.version());
        return;
      }
      if (!need.version().toString().equals("*")) {
        if (got.parsed().isEmpty()) {
          add("service " + need.name() + " version",
              n.app() + " needs " + need.name() + " " + need.version() + " and the provisions state no version",
              "devops: state the provisioned " + need.name() + " version (it must satisfy " + need.version() + ")");
        } else if (!need.version().contains(got.parsed().get())) {
          add("service " + need.name() + " version",
              n.app() + " needs " + need.name() + " " + need.version() + " and devops provides "
                  + got.version().orElseThrow(),
              "devops: provision " + need.name() + " in " + need.version()
                  + " (or backend: widen the range if " + got.version().orElseThrow() + " is supported)");
        }
      }
      if (need.port().isPresent() && got.port().isPresent() && !need.port().equals(got.port())) {
        add("service " + need.name() + " port",
            n.app() + " expects " + need.name() + " on port " + need.port().get() + " and devops provides it on "
                + got.port().get(),
            "backend: reach " + need.name() + " on port " + got.port().get() + " (or devops: move it to "
                + need.port().get() + ")");
      }
    }

    /** Every owner of every port, from both sides: a port with two owners is a clash. */
    private void ports() {
      Map<Integer, TreeMap<String, String>> owners = new TreeMap<>();
      for (Needs n : needs) {
        n.ports().forEach(p -> claim(owners, p, n.app(), n.app() + " listens (" + n.document() + ")"));
        n.services().forEach(s -> s.port().ifPresent(
            p -> claim(owners, p, s.name(), n.app() + " expects " + s.name() + " (" + n.document() + ")")));
      }
      for (Provisions p : provisions) {
        p.services().forEach(s -> s.port().ifPresent(
            port -> claim(owners, port, s.name(), s.name() + " is provisioned (" + p.document() + ")")));
        for (PortAllocation a : p.ports()) {
          claim(owners, a.port(), a.owner(), "allocated to " + a.owner() + " (" + p.document() + ")");
        }
      }
      owners.forEach((port, who) -> {
        if (who.size() > 1) {
          add("port " + port,
              "port " + port + " has " + who.size() + " owners: " + String.join("; ", who.values()),
              "devops: give each of " + String.join(", ", who.keySet()) + " its own port and update its allocation");
        }
      });
    }

    private static void claim(Map<Integer, TreeMap<String, String>> owners, int port, String owner, String why) {
      owners.computeIfAbsent(port, p -> new TreeMap<>()).putIfAbsent(owner, owner + ": " + why);
    }

    private void resources() {
      long cpuNeed = 0;
      long memNeed = 0;
      boolean cpuAsked = false;
      boolean memAsked = false;
      for (Needs n : needs) {
        if (n.resources().cpuMillis().isPresent()) {
          cpuNeed += n.resources().cpuMillis().get();
          cpuAsked = true;
        }
        if (n.resources().memoryBytes().isPresent()) {
          memNeed += n.resources().memoryBytes().get();
          memAsked = true;
        }
      }
      Optional<Long> cpuGot = sum(provisions.stream().map(p -> p.resources().cpuMillis()).toList());
      Optional<Long> memGot = sum(provisions.stream().map(p -> p.resources().memoryBytes()).toList());
      if (cpuAsked && cpuGot.orElse(0L) < cpuNeed) {
        add("resources cpu",
            "backend needs " + Quantity.cpuText(cpuNeed) + " of CPU and devops provisions "
                + cpuGot.map(Quantity::cpuText).orElse("none"),
            "devops: provision at least " + Quantity.cpuText(cpuNeed) + " of CPU (or backend: lower its request)");
      }
      if (memAsked && memGot.orElse(0L) < memNeed) {
        add("resources memory",
            "backend needs " + Quantity.memoryText(memNeed) + " of memory and devops provisions "
                + memGot.map(Quantity::memoryText).orElse("none"),
            "devops: provision at least " + Quantity.memoryText(memNeed) + " of memory (or backend: lower its request)");
      }
    }

    private static Optional<Long> sum(List<Optional<Long>> values) {
      return values.stream().flatMap(Optional::stream).reduce(Long::sum);
    }

    private void add(String location, String description, String fix) {
      out.add(Conflicts.of(CHECK, parties, location, description, fix));
    }
  }
}
