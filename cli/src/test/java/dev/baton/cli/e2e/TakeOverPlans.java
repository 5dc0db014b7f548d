package dev.baton.cli.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The plans the take-over tests run: sim droids on a time scale, so that each lasts seconds. */
final class TakeOverPlans {
  private TakeOverPlans() {}

  /**
   * {@code perDomain} independent tasks of {@code minutes} on each of the four domains: more than
   * the 18 slots of a mesh, so delegations go out in a stream as slots free up.
   */
  static String burst(String name, int perDomain, int minutes) {
    StringBuilder yaml = new StringBuilder("""
        apiVersion: baton.dev/v1
        kind: Plan
        metadata:
          name: %s
        spec:
          strategy: parallel
          tasks:
        """.formatted(name));
    String[][] kinds = {
        {"frontend", "React page component"}, {"backend", "REST API endpoint with its database queries"},
        {"devops", "Kubernetes deployment manifest"}, {"testing", "End-to-end test suite"}};
    for (String[] kind : kinds) {
      for (int i = 1; i <= perDomain; i++) {
        yaml.append("""
                - id: %s-%02d
                  description: %s number %d
                  orchestrator: %s
                  estimate: %dm
            """.formatted(kind[0], i, kind[1], i, kind[0], minutes));
      }
    }
    return yaml.toString();
  }

  /**
   * A tight sync point of backend, devops and testing after two tasks: testing has no task before
   * the point, so holding its sub-orchestrator (SIGSTOP) holds the barrier open once the two
   * tasks succeeded. Then two tasks the point gates, and a last one after them.
   */
  static final String BARRIER = """
      apiVersion: baton.dev/v1
      kind: Plan
      metadata:
        name: takeover-barrier
      spec:
        strategy: parallel
        synchronization: tight
        tasks:
          - {id: api-design, description: REST API design of the orders service, orchestrator: backend, estimate: 6m}
          - {id: infra, description: Kubernetes namespace and database provisioning, orchestrator: devops, estimate: 3m}
          - {id: orders-api, description: Orders REST API endpoints, orchestrator: backend, estimate: 6m}
          - {id: deploy, description: Kubernetes deployment of the orders service, orchestrator: devops, estimate: 6m}
          - {id: e2e, description: End-to-end tests of the orders flow, orchestrator: testing, estimate: 3m, dependsOn: [orders-api, deploy]}
        syncPoints:
          - name: Contract Agreement
            participants: [backend, devops, testing]
            after: [api-design, infra]
            before: [orders-api, deploy]
      """;

  /**
   * Three tasks in a chain on a repository (the scripted runner's default scenario writes
   * {@code notes/<task>.md} and commits it): each task's branch is merged into the integration
   * branch before the task counts as succeeded.
   */
  static String repository(String url) {
    return """
        apiVersion: baton.dev/v1
        kind: Plan
        metadata:
          name: takeover-merge
        spec:
          strategy: parallel
          runner: scripted
          repository: {url: "%s", baseBranch: main}
          tasks:
            - {id: schema, description: Database schema of the orders service, orchestrator: backend, estimate: 5m}
            - {id: api, description: Orders REST API endpoints, orchestrator: backend, estimate: 5m, dependsOn: [schema]}
            - {id: ui, description: Orders page of the storefront, orchestrator: frontend, estimate: 5m, dependsOn: [api]}
        """.formatted(url);
  }

  /**
   * A chain of {@code length} tasks on each of the four domains, on a repository, each task a
   * scripted droid that works {@code seconds} (its scenario, in {@link #chainScenarios}) and
   * commits {@code notes/<task>.md}: every task's branch is merged before its successor starts.
   */
  static String repositoryChains(String url, int length) {
    StringBuilder yaml = new StringBuilder("""
        apiVersion: baton.dev/v1
        kind: Plan
        metadata:
          name: takeover-chains
        spec:
          strategy: parallel
          runner: scripted
          repository: {url: "%s", baseBranch: main}
          tasks:
        """.formatted(url));
    for (String domain : List.of("frontend", "backend", "devops", "testing")) {
      for (int i = 1; i <= length; i++) {
        yaml.append("    - {id: %s-step-%02d, description: Step %d of the %s work, orchestrator: %s, estimate: 5m%s}\n"
            .formatted(domain, i, i, domain, domain, i == 1 ? "" : ", dependsOn: [%s-step-%02d]".formatted(domain, i - 1)));
      }
    }
    return yaml.toString();
  }

  /** The scripted droids' scenarios of {@link #repositoryChains}: {@code .baton/scenarios/<task>.yaml}. */
  static Map<String, String> chainScenarios(int length, int seconds) {
    Map<String, String> files = new LinkedHashMap<>();
    for (String domain : List.of("frontend", "backend", "devops", "testing")) {
      for (int i = 1; i <= length; i++) {
        String task = "%s-step-%02d".formatted(domain, i);
        files.put(".baton/scenarios/" + task + ".yaml", """
            - message: "Working on %1$s"
            - sleep: %2$ds
            - write: {path: notes/%1$s.md, content: "# %1$s\\n"}
            - result: "wrote notes/%1$s.md"
            """.formatted(task, seconds));
      }
    }
    return files;
  }

  /** examples/ecommerce-conflicts.yaml: its two sync points find conflicts and add remediation tasks. */
  static String mediation() {
    try {
      return Files.readString(TestPaths.example("ecommerce-conflicts.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
