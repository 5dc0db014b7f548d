package dev.baton.runtime.metrics;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Makes {@code registry} the process's metrics: JVM and process series ({@code jvm_*},
 * {@code process_*}, {@code system_cpu_*}), gRPC's own ({@link GrpcMetrics}), and every meter
 * Baton's code records on micrometer's global registry ({@link Metrics#globalRegistry}: the
 * master's task, delegation, sync-point, conflict, droid, breaker and journal series), which
 * until then has no registry and records nothing.
 *
 * <p>Called once by a process that serves {@code --metrics-port}, before it builds its gRPC
 * servers and channels; tests that run many servers in one JVM do not call it, and pass their
 * own registry to the classes they check.
 */
public final class ProcessMetrics {
  private ProcessMetrics() {}

  /** Installs everything above into {@code registry}; returns it. */
  public static PrometheusMeterRegistry install(PrometheusMeterRegistry registry) {
    // Two of ProcessorMetrics' series break Prometheus' naming rules (promtool check metrics):
    // process_cpu_time_ns_total (an abbreviated unit) and system_cpu_count (a gauge named _count).
    registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")
        || id.getName().equals("system.cpu.count")));
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    GrpcMetrics.install(registry);
    Metrics.addRegistry(registry);
    return registry;
  }
}
