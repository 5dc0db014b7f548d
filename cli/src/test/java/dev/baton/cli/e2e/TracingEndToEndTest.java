package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.cli.e2e.OtlpCollector.ReceivedSpan;
import dev.baton.cli.mesh.JavaCommand;
import dev.baton.cli.mesh.LaunchedProcess;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.runtime.security.ClientSecurity;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanState;
import dev.baton.v1.SubmitPlanRequest;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Traces across real processes: a master and three sub-orchestrators export over OTLP/gRPC to a
 * real receiver ({@link OtlpCollector}) while the hello plan runs (two simulated droids and one
 * command droid); the spans form one trace per plan, continuing the submitter's trace, with the
 * parents of the contract across processes. With tracing off (the default) or sampling 0, nothing
 * is exported. The OTEL_* settings are given as the SDK's equivalent system properties
 * ({@code -Dotel.exporter.otlp.endpoint=...}), since the launcher sets no environment.
 */
class TracingEndToEndTest {
  private static final List<String> DOMAINS = List.of("backend", "devops", "frontend");
  /** The submitter's own trace, continued by the plan through SubmitPlan's metadata. */
  private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN = "00f067aa0ba902b7";

  private final List<MeshLauncher> launchers = new ArrayList<>();
  private OtlpCollector collector;

  @AfterEach
  void stop() {
    launchers.forEach(l -> {
      l.close();
      l.killAll();
    });
    if (collector != null) {
      collector.close();
    }
  }

  @Test
  void aPlanIsOneTraceWithParentsAcrossProcessesAndItsLogLinesCarryItsTraceId() throws Exception {
    collector = new OtlpCollector();
    Path runDir = MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve("tracing"));
    List<String> traced = List.of("-Dotel.exporter.otlp.endpoint=" + collector.endpoint(),
        "-Dotel.bsp.schedule.delay=100", "-Dbaton.log.level=debug");
    MeshLauncher launcher = launcher(runDir, traced);
    String master = startMesh(launcher);

    String planId;
    List<PlanEvent> events;
    try (MasterApi api = new MasterApi(master, ClientSecurity.plaintext())) {
      SpanContext client = SpanContext.createFromRemoteParent(CLIENT_TRACE, CLIENT_SPAN, TraceFlags.getSampled(),
          TraceState.getDefault());
      try (Scope ignored = Context.root().with(Span.wrap(client)).makeCurrent()) {
        planId = api.call().submitPlan(SubmitPlanRequest.newBuilder()
            .setPlanYaml(Files.readString(TestPaths.example("hello.yaml"))).setTimeScale(0.001).build()).getPlanId();
      }
      events = api.watch(planId).awaitEnd(60);
    }
    assertThat(events.get(events.size() - 1).getPlanFinished().getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    assertThat(events.get(0).getPlanAccepted().getTraceContextMap().get("traceparent")).startsWith("00-" + CLIENT_TRACE);

    // Every span of the plan, the sub-orchestrators' included, reaches the receiver.
    String planSpan = "plan " + planId;
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<String> names = collector.spans().stream().map(ReceivedSpan::name).toList();
      assertThat(names).contains(planSpan, "execute hello-api", "execute hello-file", "execute hello-page",
          "droid command hello-file", "droid sim hello-api", "droid sim hello-page");
    });
    List<ReceivedSpan> spans = collector.spans();
    assertThat(spans).extracting(ReceivedSpan::traceId).containsOnly(CLIENT_TRACE);
    Map<String, ReceivedSpan> byId = spans.stream().collect(Collectors.toMap(ReceivedSpan::spanId, Function.identity()));
    Function<String, ReceivedSpan> named = name -> spans.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans.stream().map(ReceivedSpan::name).toList()));

    ReceivedSpan plan = named.apply(planSpan);
    assertThat(plan.parentSpanId()).isEqualTo(CLIENT_SPAN);
    assertThat(plan.service()).isEqualTo("baton-master");
    assertThat(plan.attribute("baton.plan.id")).isEqualTo(planId);
    assertThat(plan.attribute("baton.state")).isEqualTo("PLAN_STATE_SUCCEEDED");
    for (String task : List.of("hello-api", "hello-file", "hello-page")) {
      ReceivedSpan attempt = named.apply("task " + task + " attempt 1");
      ReceivedSpan delegate = named.apply("delegate " + task);
      ReceivedSpan execute = named.apply("execute " + task);
      ReceivedSpan droid = byId.values().stream().filter(s -> s.name().startsWith("droid ") && s.name().endsWith(" " + task))
          .findFirst().orElseThrow();
      assertThat(attempt.parentSpanId()).as(task).isEqualTo(plan.spanId());
      assertThat(delegate.parentSpanId()).as(task).isEqualTo(attempt.spanId());
      assertThat(delegate.kind()).isEqualTo("SPAN_KIND_CLIENT");
      assertThat(execute.parentSpanId()).as("execute's parent is the master's delegation: " + task).isEqualTo(delegate.spanId());
      assertThat(execute.kind()).isEqualTo("SPAN_KIND_SERVER");
      assertThat(droid.parentSpanId()).as(task).isEqualTo(execute.spanId());
      String domain = task.equals("hello-api") ? "backend" : task.equals("hello-file") ? "devops" : "frontend";
      assertThat(execute.service()).isEqualTo("baton-orchestrator-" + domain);
      for (ReceivedSpan s : List.of(attempt, delegate, execute)) {
        assertThat(s.attributes()).as(s.name()).containsEntry("baton.plan.id", planId).containsEntry("baton.task.id", task)
            .containsEntry("baton.domain", domain).containsEntry("baton.attempt", "1");
        assertThat(s.attribute("baton.instance.id")).as(s.name()).startsWith(domain);
        assertThat(s.statusCode()).as(s.name()).isNotEqualTo("STATUS_CODE_ERROR");
      }
    }
    ReceivedSpan command = named.apply("droid command hello-file");
    assertThat(command.attributes()).containsEntry("baton.droid.runner", "command").containsEntry("baton.droid.exit_code", "0")
        .containsKeys("baton.droid.tokens", "baton.droid.cost_usd");

    // Log lines of the plan (master) and of its droids (sub-orchestrator) carry the plan's trace id.
    assertThat(runDir.resolve("master.log")).content()
        .containsPattern("INFO Engine - plan " + planId + " accepted: .* trace_id=" + CLIENT_TRACE + " span_id=" + plan.spanId())
        .containsPattern("INFO Engine - plan " + planId + " finished: .* trace_id=" + CLIENT_TRACE);
    assertThat(runDir.resolve("devops.log")).content()
        .containsPattern("DEBUG ExecutionManager - task hello-file attempt 1: command droid .* trace_id=" + CLIENT_TRACE
            + " span_id=" + command.spanId());
  }

  @Test
  void nothingIsExportedWithTracingOffOrSamplingZero() throws Exception {
    collector = new OtlpCollector();
    Path runDir = MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve("tracing-off"));
    // The master with no OTEL_* setting (off, the default); the sub-orchestrators traced, sampling 0.
    MeshLauncher off = launcher(runDir, List.of("-Dotel.service.name=ignored-without-an-exporter"));
    MeshLauncher sampledOut = launcher(runDir, List.of("-Dotel.exporter.otlp.endpoint=" + collector.endpoint(),
        "-Dotel.traces.sampler=traceidratio", "-Dotel.traces.sampler.arg=0", "-Dotel.bsp.schedule.delay=100"));
    LaunchedProcess master = off.startMaster(0);
    List<LaunchedProcess> orchestrators = new ArrayList<>();
    DOMAINS.forEach(d -> orchestrators.add(sampledOut.startOrchestrator(d, master.address(), 0)));
    orchestrators.forEach(o -> o.awaitReady(Duration.ofSeconds(60)));
    MeshLauncher.awaitRegistered(master.address(), Set.copyOf(DOMAINS), Duration.ofSeconds(60), ClientSecurity.plaintext());

    List<PlanEvent> events;
    try (MasterApi api = new MasterApi(master.address(), ClientSecurity.plaintext())) {
      String planId = api.call().submitPlan(SubmitPlanRequest.newBuilder()
          .setPlanYaml(Files.readString(TestPaths.example("hello.yaml"))).setTimeScale(0.001).build()).getPlanId();
      events = api.watch(planId).awaitEnd(60);
    }
    assertThat(events.get(events.size() - 1).getPlanFinished().getState()).isEqualTo(PlanState.PLAN_STATE_SUCCEEDED);
    // Off: a no-op tracer, no context to journal, no exporter, no ids in the log lines.
    assertThat(events.get(0).getPlanAccepted().getTraceContextMap()).isEmpty();
    // Stopping flushes whatever the exporters hold (the SDK closes at shutdown): after it, nothing came.
    sampledOut.close();
    off.close();
    assertThat(collector.spans()).isEmpty();
    assertThat(master.logFile()).content().doesNotContain("tracing on").doesNotContain("trace_id=").contains(" accepted: ");
    assertThat(orchestrators.get(1).logFile()).content()
        .contains("tracing on: service baton-orchestrator-devops, exporter otlp, sampler traceidratio 0");
  }

  private MeshLauncher launcher(Path runDir, List<String> jvmOptions) {
    JavaCommand current = JavaCommand.current();
    List<String> options = new ArrayList<>(current.jvmOptions());
    options.addAll(jvmOptions);
    MeshLauncher l = new MeshLauncher(MeshLauncher.Options.in(runDir)
        .withJava(new JavaCommand(current.java(), current.classPath(), options)));
    launchers.add(l);
    return l;
  }

  private static String startMesh(MeshLauncher launcher) {
    LaunchedProcess master = launcher.startMaster(0);
    List<LaunchedProcess> orchestrators = new ArrayList<>();
    DOMAINS.forEach(d -> orchestrators.add(launcher.startOrchestrator(d, master.address(), 0)));
    orchestrators.forEach(o -> o.awaitReady(Duration.ofSeconds(60)));
    MeshLauncher.awaitRegistered(master.address(), Set.copyOf(DOMAINS), Duration.ofSeconds(60), ClientSecurity.plaintext());
    return master.address();
  }
}
