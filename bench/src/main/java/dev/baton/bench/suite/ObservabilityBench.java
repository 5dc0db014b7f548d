package dev.baton.bench.suite;

import dev.baton.master.MasterMetrics;
import dev.baton.master.plan.PlanModel;
import dev.baton.runtime.metrics.MetricsPort;
import dev.baton.runtime.metrics.ProcessMetrics;
import dev.baton.runtime.orchestrator.OrchestratorMetrics;
import dev.baton.runtime.orchestrator.SubOrchestratorServer;
import dev.baton.runtime.telemetry.Telemetry;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Figure 11 (issue 13): what metrics and tracing cost. Two meshes of one replica per domain in this
 * JVM: one bare, one metered as {@code --metrics-port} meters a process (gRPC's instrumentation on
 * its servers and channels, the master's event meters, JVM binders: {@link ProcessMetrics}) with a
 * metrics port on every server, scraped every second (as Prometheus would).
 * Tracing is process-wide ({@link Telemetry}), so it is switched between runs: off (the no-op), or
 * the SDK sampling 100 % or 1 % with a batch processor exporting over OTLP/gRPC to a receiver in
 * this JVM that discards what it gets. Four configurations, interleaved one for one (one-task plans),
 * then rounds of one large plan on each (order rotating; best round shown).
 */
final class ObservabilityBench {
  private ObservabilityBench() {}

  /** Held: java.util.logging keeps loggers weakly and would forget the level. */
  private static final java.util.logging.Logger DROPS =
      java.util.logging.Logger.getLogger("io.opentelemetry.sdk.trace.export.BatchSpanProcessor");

  private record Config(String name, boolean metered, double sampling) {}

  private static final List<Config> CONFIGS = List.of(
      new Config("off (no metrics port, no tracing)", false, -1),
      new Config("metrics (scraped every 1 s)", true, -1),
      new Config("metrics + tracing 1 %", true, 0.01),
      new Config("metrics + tracing 100 %", true, 1.0));

  static void run(Report report, boolean quick, int tasks) throws Exception {
    int warmup = quick ? 10 : 300;
    int samples = quick ? 30 : 1000;
    int rounds = quick ? 1 : 5;
    // At 100 % the default queue (2,048 spans) overflows on the large plan: the SDK drops spans and
    // says so on every export; the figure's text says it once.
    DROPS.setLevel(java.util.logging.Level.SEVERE);
    int n = CONFIGS.size();
    List<List<Double>> plan = new ArrayList<>();
    List<List<Double>> task = new ArrayList<>();
    for (int c = 0; c < n; c++) {
      plan.add(new ArrayList<>());
      task.add(new ArrayList<>());
    }
    double[][] seconds = new double[n][rounds];
    AtomicLong exportedBytes = new AtomicLong();
    Server receiver = discardingReceiver(exportedBytes);
    List<OpenTelemetrySdk> sdks = new ArrayList<>();
    OpenTelemetry[] tracing = new OpenTelemetry[n];
    for (int c = 0; c < n; c++) {
      tracing[c] = CONFIGS.get(c).sampling() < 0 ? OpenTelemetry.noop()
          : sdk("http://127.0.0.1:" + receiver.getPort(), CONFIGS.get(c).sampling(), sdks);
    }
    ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor();
    List<MetricsPort> ports = new ArrayList<>();
    PlanModel.Plan one = PlanGen.compile(PlanGen.noOps("noop", 1, 1));
    io.micrometer.prometheusmetrics.PrometheusMeterRegistry process = null;
    try (Mesh bare = Mesh.start(1, ThroughputBench.SLOTS)) {
      // The bare mesh's servers and channels exist before the process metrics are installed (a plan
      // run opens the master's channels), so only the metered mesh carries gRPC's instrumentation and
      // the master's event meters, as two processes would: one without --metrics-port, one with.
      bare.run(one, PlanGen.NO_OP_SCALE, Duration.ofSeconds(10));
      process = ProcessMetrics.install(MetricsPort.newRegistry());
      try (Mesh metered = Mesh.start(1, ThroughputBench.SLOTS)) {
      MasterMetrics.bind(process, metered.master);
      ports.add(MetricsPort.start("127.0.0.1", 0, process));
      for (SubOrchestratorServer s : metered.subs) {
        ports.add(MetricsPort.start("127.0.0.1", 0, bind(r -> OrchestratorMetrics.bind(r, s))));
      }
      HttpClient http = HttpClient.newHttpClient();
      scraper.scheduleAtFixedRate(() -> ports.forEach(p -> scrape(http, p)), 0, 1, TimeUnit.SECONDS);

      for (int i = 0; i < warmup + samples; i++) {
        for (int k = 0; k < n; k++) {
          int c = (i + k) % n; // rotate which configuration goes first
          Telemetry.install(tracing[c]);
          Mesh mesh = CONFIGS.get(c).metered() ? metered : bare;
          long t0 = System.nanoTime();
          var events = mesh.run(one, PlanGen.NO_OP_SCALE, Duration.ofSeconds(10));
          long t1 = System.nanoTime();
          if (i >= warmup) {
            plan.get(c).add((t1 - t0) / 1e6);
            task.get(c).add(Stats.millis(DelegationBench.first(events, "TASK_READY"),
                DelegationBench.first(events, "TASK_SUCCEEDED")));
          }
        }
      }
      PlanModel.Plan many = PlanGen.compile(PlanGen.noOps("throughput", tasks, 1));
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < n; k++) {
          int c = (r + k) % n;
          Telemetry.install(tracing[c]);
          Mesh mesh = CONFIGS.get(c).metered() ? metered : bare;
          long t0 = System.nanoTime();
          mesh.run(many, PlanGen.NO_OP_SCALE, Duration.ofMinutes(10));
          seconds[c][r] = (System.nanoTime() - t0) / 1e9;
        }
      }
      }
    } finally {
      if (process != null) {
        io.micrometer.core.instrument.Metrics.removeRegistry(process); // later masters of this JVM unmetered
      }
      Telemetry.reset();
      scraper.shutdownNow();
      ports.forEach(MetricsPort::close);
      sdks.forEach(OpenTelemetrySdk::close);
      receiver.shutdownNow();
    }
    report.section("11. Metrics and tracing overhead", warmup + " warm-up and " + samples + " measured one-task"
        + " plans per configuration, interleaved (the order rotating); then " + rounds + " round(s) of one plan of "
        + tasks + " no-op tasks per configuration (order rotating, best round shown). One replica per domain, master"
        + " and sub-orchestrators in one JVM on localhost Netty. Metrics: the metered mesh carries what"
        + " --metrics-port installs (gRPC's instrumentation, the master's event meters, JVM binders) and a metrics"
        + " port on every server, each scraped every second. Tracing: the SDK with parent-based trace-id-ratio sampling and the batch span"
        + " processor (defaults) exporting over OTLP/gRPC to a receiver in the same JVM that discards the spans ("
        + exportedBytes.get() / 1024 + " KiB received in all; at 100 % the default queue of 2,048 spans overflows"
        + " on the large plan and the SDK drops spans rather than slow the tasks).");
    report.header("configuration", "one-task plan p50 ms", "p99 ms", "task p50 ms", "task p99 ms", "tasks/s (best)");
    for (int c = 0; c < n; c++) {
      report.row(CONFIGS.get(c).name(), Stats.percentile(plan.get(c), 50), Stats.percentile(plan.get(c), 99),
          Stats.percentile(task.get(c), 50), Stats.percentile(task.get(c), 99), tasks / min(seconds[c]));
    }
  }

  private static io.micrometer.prometheusmetrics.PrometheusMeterRegistry bind(
      java.util.function.Consumer<io.micrometer.prometheusmetrics.PrometheusMeterRegistry> binder) {
    var registry = MetricsPort.newRegistry();
    binder.accept(registry);
    return registry;
  }

  private static void scrape(HttpClient http, MetricsPort port) {
    try {
      http.send(HttpRequest.newBuilder(URI.create(port.url())).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      // a missed scrape is a missed scrape; the next one comes in a second
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static OpenTelemetrySdk sdk(String endpoint, double ratio, List<OpenTelemetrySdk> all) {
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .setResource(Resource.getDefault().toBuilder().put("service.name", "baton-bench").build())
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(ratio)))
            .addSpanProcessor(BatchSpanProcessor.builder(OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).build()).build())
            .build())
        .build();
    all.add(sdk);
    return sdk;
  }

  /** An OTLP/gRPC TraceService/Export that counts the bytes it is sent and answers an empty response. */
  private static Server discardingReceiver(AtomicLong bytes) throws IOException {
    MethodDescriptor.Marshaller<byte[]> raw = new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(byte[] value) {
        return new ByteArrayInputStream(value);
      }

      @Override
      public byte[] parse(InputStream stream) {
        try {
          return stream.readAllBytes();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    };
    MethodDescriptor<byte[], byte[]> export = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
        .setRequestMarshaller(raw).setResponseMarshaller(raw).build();
    ServerServiceDefinition service = ServerServiceDefinition.builder("opentelemetry.proto.collector.trace.v1.TraceService")
        .addMethod(export, ServerCalls.asyncUnaryCall((request, response) -> {
          bytes.addAndGet(request.length);
          response.onNext(new byte[0]);
          response.onCompleted();
        }))
        .build();
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
  }

  private static double min(double[] v) {
    double m = Double.MAX_VALUE;
    for (double d : v) {
      m = Math.min(m, d);
    }
    return m;
  }
}
