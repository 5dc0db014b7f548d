package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.cli.mesh.LaunchedProcess;
import dev.baton.cli.mesh.Mesh;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.v1.GetPlanRequest;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.SubmitPlanRequest;
import dev.baton.v1.TaskState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every process's {@code /metrics} after two real plans through five separate processes with a
 * journal (examples/ecommerce-conflicts.yaml: sync points, three seeded conflicts; then
 * examples/ecommerce.yaml on scripted droids, which report token usage and cost):
 * each scrape passes {@code promtool check metrics} (Prometheus' own parser and linter), and the
 * series of docs/observability.md are there with the labels and values the plan's events imply.
 * The scrapes are kept under target/runs/metrics for the Grafana check ({@link
 * ObservabilityAssetsTest}) and for people.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsEndToEndTest {
  private static final Duration READY = Duration.ofSeconds(90);
  private static final List<String> PORTS = List.of("--health-port", "0", "--metrics-port", "0");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private MeshLauncher launcher;
  /** The two plans, as they ended. */
  private final List<PlanStatus> plans = new java.util.ArrayList<>();
  /** Every event of both plans. */
  private final List<PlanEvent> events = new java.util.ArrayList<>();
  /** Process name (master, frontend, ...) -> its scrape's text after the plan. */
  private final Map<String, String> scrapes = new LinkedHashMap<>();

  @BeforeAll
  void runAPlanAndScrapeEveryProcess() throws Exception {
    Path runDir = MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve("metrics"));
    List<String> masterArgs = new java.util.ArrayList<>(PORTS);
    masterArgs.addAll(List.of("--journal", runDir.resolve("journal.db").toString()));
    launcher = new MeshLauncher(MeshLauncher.Options.in(runDir).withReadyTimeout(READY)
        .withMasterArgs(masterArgs).withOrchestratorArgs(PORTS));
    Mesh mesh = launcher.startMesh(0);
    Map<String, LaunchedProcess> processes = new LinkedHashMap<>();
    processes.put("master", mesh.master());
    processes.putAll(mesh.orchestrators());
    try (MasterApi api = new MasterApi(mesh.masterAddress())) {
      // The seeded conflicts need the simulated droids' shared state; droid usage needs droids
      // that report some: the scripted runner's default scenario (a note written, a little usage).
      // The conflicts plan at 0.003 (a plan minute is 180 ms): at 0.001 its tight sync point's
      // timeout (about 1.1 s) was missed once on a loaded machine.
      for (var run : List.of(List.of("ecommerce-conflicts.yaml", "", "0.003"), List.of("ecommerce.yaml", "scripted", "0.001"))) {
        String yaml = Files.readString(TestPaths.example(run.get(0)));
        String planId = api.call().submitPlan(SubmitPlanRequest.newBuilder().setPlanYaml(yaml)
            .setTimeScale(Double.parseDouble(run.get(2)))
            .setRunner(run.get(1)).build()).getPlanId();
        events.addAll(api.watch(planId).awaitEnd(90));
        plans.add(api.call().getPlan(GetPlanRequest.newBuilder().setPlanId(planId).build()).getStatus());
      }
    }
    // What a watcher sees first may reach the meters a moment later (the meters hear an event after
    // the store has delivered it; gRPC records a call when its stream closes; the journal commits
    // after the append): poll the master until the last of each is in.
    try (Probes master = Probes.of(mesh.master(), READY)) {
      org.awaitility.Awaitility.await("the master's series caught up with both plans").atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<String, Double> m = master.scrape();
            return sum(m, "baton_plans_finished_total", Map.of()) == 2
                && sum(m, "grpc_server_call_duration_seconds_count", Map.of("grpc_method", "baton.v1.Master/WatchPlan")) == 2
                && sum(m, "baton_journal_batch_events_sum", Map.of()) == events.size();
          });
    }
    for (var p : processes.entrySet()) {
      try (Probes probes = Probes.of(p.getValue(), READY)) {
        String text = get(probes.metricsUrl);
        scrapes.put(p.getKey(), text);
        Files.writeString(runDir.resolve(p.getKey() + ".prom"), text);
      }
    }
    Files.writeString(TestPaths.runsDir().resolve("metrics").resolve("last-master.prom"), scrapes.get("master"));
  }

  @AfterAll
  void stop() {
    if (launcher != null) {
      try {
        launcher.close();
      } finally {
        launcher.killAll();
      }
    }
  }

  @Test
  void plansSucceeded() {
    assertThat(plans).hasSize(2).allSatisfy(p -> assertThat(p.getState()).as(p.getReason()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED));
  }

  private java.util.stream.Stream<dev.baton.v1.TaskStatus> tasks() {
    return plans.stream().flatMap(p -> p.getTasksList().stream());
  }

  @Test
  void everyScrapePassesPromtool() throws Exception {
    assertThat(scrapes).hasSize(5);
    for (var s : scrapes.entrySet()) {
      assertThat(promtool(s.getValue(), "check", "metrics")).as(s.getKey()).isEmpty();
    }
  }

  @Test
  void everyProcessHasJvmAndGrpcServerSeries() {
    for (var s : scrapes.entrySet()) {
      Map<String, Double> m = Probes.parse(s.getValue());
      assertThat(sum(m, "jvm_memory_used_bytes", Map.of())).as(s.getKey()).isPositive();
      assertThat(sum(m, "jvm_threads_live_threads", Map.of())).as(s.getKey()).isPositive();
      assertThat(sum(m, "process_uptime_seconds", Map.of())).as(s.getKey()).isPositive();
    }
    java.util.Set<String> used = new java.util.TreeSet<>();
    tasks().forEach(t -> used.add(t.getOrchestrator()));
    assertThat(used).containsExactlyInAnyOrderElementsOf(MeshLauncher.DOMAINS);
    for (String domain : MeshLauncher.DOMAINS) {
      Map<String, Double> m = Probes.parse(scrapes.get(domain));
      // Execute is one stream per master for the process's life, opened at the first delegation
      // to the instance: started, not finished.
      assertThat(sum(m, "grpc_server_call_started_total", Map.of("grpc_method", "baton.v1.SubOrchestrator/Execute")))
          .as(domain).isGreaterThanOrEqualTo(1);
      assertThat(sum(m, "grpc_client_attempt_started_total", Map.of("grpc_method", "baton.v1.Coordination/Coordinate")))
          .as(domain + " dials the master's Coordinate").isGreaterThanOrEqualTo(1);
      assertThat(sum(m, "baton_orchestrator_slots", Map.of("domain", domain))).as(domain).isPositive();
    }
    Map<String, Double> master = Probes.parse(scrapes.get("master"));
    assertThat(sum(master, "grpc_client_attempt_started_total", Map.of("grpc_method", "baton.v1.SubOrchestrator/Execute")))
        .isGreaterThanOrEqualTo(used.size());
    assertThat(sum(master, "grpc_server_call_duration_seconds_count", Map.of("grpc_method", "baton.v1.Master/SubmitPlan",
        "grpc_status", "OK"))).isEqualTo(2);
    assertThat(sum(master, "grpc_server_call_duration_seconds_count", Map.of("grpc_method", "baton.v1.Master/WatchPlan",
        "grpc_status", "OK"))).as("both watches ended with their plans").isEqualTo(2);
  }

  @Test
  void masterCountsTheTasksAsThePlanEndedThem() {
    Map<String, Double> m = Probes.parse(scrapes.get("master"));
    long succeeded = tasks().filter(t -> t.getState() == TaskState.TASK_STATE_SUCCEEDED).count();
    assertThat(succeeded).isGreaterThanOrEqualTo(9 + 19);
    assertThat(sum(m, "baton_task_transitions_total", Map.of("state", "succeeded"))).isEqualTo(succeeded);
    for (String domain : MeshLauncher.DOMAINS) {
      long ofDomain = tasks()
          .filter(t -> t.getOrchestrator().equals(domain) && t.getState() == TaskState.TASK_STATE_SUCCEEDED).count();
      assertThat(sum(m, "baton_task_transitions_total", Map.of("state", "succeeded", "domain", domain))).as(domain)
          .isEqualTo(ofDomain);
      assertThat(sum(m, "baton_delegation_latency_seconds_count", Map.of("domain", domain, "phase", "result")))
          .as(domain).isGreaterThanOrEqualTo(ofDomain);
      assertThat(sum(m, "baton_delegation_latency_seconds_count", Map.of("domain", domain, "phase", "accepted")))
          .as(domain).isGreaterThanOrEqualTo(ofDomain);
      assertThat(sum(m, "baton_orchestrator_instances", Map.of("domain", domain))).as(domain).isEqualTo(1);
    }
    // The plan ended: no task of a running plan is left in the gauges.
    assertThat(sum(m, "baton_tasks", Map.of())).isZero();
    assertThat(sum(m, "baton_plans_finished_total", Map.of("state", "succeeded"))).isEqualTo(2);
    assertThat(sum(m, "baton_plan_duration_seconds_count", Map.of("state", "succeeded"))).isEqualTo(2);
    assertThat(sum(m, "baton_master_leader", Map.of())).isEqualTo(1);
  }

  @Test
  void masterCountsSyncPointsConflictsBreakersAndJournal() {
    Map<String, Double> m = Probes.parse(scrapes.get("master"));
    long released = events.stream().filter(PlanEvent::hasSyncPointReleased).count();
    long conflicts = events.stream().filter(PlanEvent::hasSyncPointChecked)
        .mapToLong(e -> e.getSyncPointChecked().getConflictsCount()).sum();
    assertThat(released).as("two sync points, then three").isEqualTo(2 + 3);
    assertThat(conflicts).as("the three seeded conflicts").isGreaterThanOrEqualTo(3);
    assertThat(sum(m, "baton_sync_point_duration_seconds_count", Map.of())).isEqualTo(released);
    assertThat(sum(m, "baton_conflicts_total", Map.of())).isEqualTo(conflicts);
    assertThat(m.keySet()).anyMatch(k -> k.startsWith("baton_conflicts_total{") && !k.contains("check=\"unknown\""));
    // One breaker per instance delegated to, closed.
    assertThat(m.entrySet().stream().filter(e -> e.getKey().startsWith("baton_breaker_state{")
        && e.getKey().contains("state=\"closed\"") && e.getValue() == 1.0).count()).isEqualTo(4);
    assertThat(sum(m, "baton_breaker_transitions_total", Map.of())).isZero();
    assertThat(sum(m, "baton_breaker_state", Map.of("state", "open"))).isZero();
    assertThat(sum(m, "baton_journal_append_seconds_count", Map.of("backend", "sqlite"))).isPositive();
    assertThat(sum(m, "baton_journal_batch_events_sum", Map.of("backend", "sqlite"))).isEqualTo(events.size());
  }

  @Test
  void droidUsageMatchesThePlansUsage() {
    Map<String, Double> m = Probes.parse(scrapes.get("master"));
    long input = plans.stream().mapToLong(p -> p.getUsage().getInputTokens()).sum();
    long output = plans.stream().mapToLong(p -> p.getUsage().getOutputTokens()).sum();
    double usd = plans.stream().mapToDouble(p -> p.getUsage().getCostUsd()).sum();
    assertThat(input).as("scripted droids report usage").isPositive();
    assertThat(usd).isPositive();
    assertThat(sum(m, "baton_droid_tokens_total", Map.of("kind", "input"))).isEqualTo(input);
    assertThat(sum(m, "baton_droid_tokens_total", Map.of("kind", "output"))).isEqualTo(output);
    assertThat(sum(m, "baton_droid_cost_usd_total", Map.of())).isCloseTo(usd, org.assertj.core.data.Offset.offset(1e-6));
    for (String domain : MeshLauncher.DOMAINS) {
      double ofDomain = plans.stream().flatMap(p -> p.getTasksList().stream()).filter(t -> t.getOrchestrator().equals(domain))
          .mapToDouble(t -> t.getUsage().getInputTokens()).sum();
      assertThat(sum(m, "baton_droid_tokens_total", Map.of("kind", "input", "domain", domain))).as(domain).isEqualTo(ofDomain);
    }
  }

  @Test
  void noLabelCarriesAPlanOrTaskId() {
    for (var s : scrapes.entrySet()) {
      for (String line : s.getValue().split("\n")) {
        if (line.startsWith("#")) {
          continue;
        }
        plans.forEach(p -> assertThat(line).as(s.getKey()).doesNotContain(p.getPlanId()));
        for (var t : tasks().toList()) {
          assertThat(line).as(s.getKey()).doesNotContain("\"" + t.getId() + "\"");
        }
      }
    }
  }

  @Test
  void alertRulesPassPromtoolAndTheirUnitTests() throws Exception {
    Path dir = TestPaths.repoRoot().resolve("deploy/observability");
    assertThat(promtool("", "check", "rules", dir.resolve("alerts.yaml").toString())).contains("SUCCESS: 6 rules found");
    assertThat(promtool("", "test", "rules", dir.resolve("alerts-test.yaml").toString())).contains("SUCCESS");
  }

  @Test
  void everySeriesTheDashboardAndTheAlertsNameIsInARealScrape() throws Exception {
    java.util.Set<String> scraped = new java.util.TreeSet<>();
    for (String text : scrapes.values()) {
      Probes.parse(text).keySet().forEach(k -> scraped.add(k.contains("{") ? k.substring(0, k.indexOf('{')) : k));
    }
    Path dir = TestPaths.repoRoot().resolve("deploy/observability");
    var dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("grafana-dashboard.json").toFile());
    List<String> exprs = new java.util.ArrayList<>();
    for (var panel : dashboard.get("panels")) {
      for (var target : panel.path("targets")) {
        exprs.add(target.get("expr").asText());
      }
    }
    assertThat(exprs).hasSizeGreaterThan(30);
    String rules = Files.readString(dir.resolve("alerts.yaml"));
    java.util.regex.Matcher alertExprs = java.util.regex.Pattern.compile("expr: (\\|\\n(?:\\s{10,}.*\\n)+|.*)").matcher(rules);
    int alerts = 0;
    while (alertExprs.find()) {
      exprs.add(alertExprs.group(1));
      alerts++;
    }
    assertThat(alerts).isEqualTo(6);
    java.util.regex.Pattern series = java.util.regex.Pattern.compile("\\b(?:baton|grpc|jvm|process)_[a-z0-9_]+");
    java.util.Set<String> named = new java.util.TreeSet<>();
    for (String expr : exprs) {
      java.util.regex.Matcher m = series.matcher(expr);
      boolean any = false;
      while (m.find()) {
        if (m.group().matches("grpc_(method|status|target)")) {
          continue; // label names
        }
        named.add(m.group());
        any = true;
      }
      assertThat(any).as("a series in " + expr).isTrue();
    }
    assertThat(scraped).as("every series the dashboard and the alerts name").containsAll(named);
  }

  /** The sum of the samples of {@code metric} whose labels include every pair of {@code labels}. */
  static double sum(Map<String, Double> scrape, String metric, Map<String, String> labels) {
    return scrape.entrySet().stream()
        .filter(e -> e.getKey().equals(metric) || e.getKey().startsWith(metric + "{"))
        .filter(e -> labels.entrySet().stream().allMatch(l -> e.getKey().contains(l.getKey() + "=\"" + l.getValue() + "\"")))
        .mapToDouble(Map.Entry::getValue).sum();
  }

  /**
   * Runs promtool with {@code stdin}; returns what it printed when it exited 0, and fails with its
   * output otherwise (promtool check metrics exits 3 on a lint problem, 1 on a parse error).
   */
  static String promtool(String stdin, String... args) throws Exception {
    Path in = Files.createTempFile("scrape", ".prom");
    try {
      Files.writeString(in, stdin);
      List<String> command = new java.util.ArrayList<>(List.of(TestPaths.tool("promtool").toString()));
      command.addAll(List.of(args));
      Process p = new ProcessBuilder(command).redirectInput(in.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("promtool ended").isTrue();
      assertThat(p.exitValue()).as("promtool " + String.join(" ", args) + ":\n" + out).isZero();
      return out.strip();
    } finally {
      Files.deleteIfExists(in);
    }
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url).isEqualTo(200);
    return r.body();
  }
}
