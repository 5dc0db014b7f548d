package dev.baton.runtime.orchestrator;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.function.ToDoubleFunction;

/**
 * A sub-orchestrator's gauges, read from the instance when scraped (no state of their own):
 * its slots, the slots in use, its queue, their ratio (what a HorizontalPodAutoscaler scales a
 * domain on, through the Prometheus adapter: docs/kubernetes.md) and whether it is draining.
 * Labels {@code domain} and {@code instance}.
 */
public final class OrchestratorMetrics {
  private OrchestratorMetrics() {}

  /** Registers the gauges of {@code server} in {@code registry}. */
  public static void bind(MeterRegistry registry, SubOrchestratorServer server) {
    Tags tags = Tags.of("domain", server.domain(), "instance", server.instanceId());
    gauge(registry, "baton_orchestrator_slots", "Tasks this instance runs at once, at most", tags, server,
        s -> s.maxConcurrentTasks());
    gauge(registry, "baton_orchestrator_slots_in_use", "Tasks running now", tags, server,
        s -> s.load().getCurrentTasks());
    gauge(registry, "baton_orchestrator_queue_length", "Delegations accepted, waiting for a slot", tags, server,
        s -> s.load().getQueueLength());
    gauge(registry, "baton_orchestrator_slot_utilization",
        "(running + queued) / slots: above 1 the instance has a queue", tags, server, OrchestratorMetrics::utilization);
    gauge(registry, "baton_orchestrator_draining", "1 while the instance drains before it stops", tags, server,
        s -> s.draining() ? 1 : 0);
  }

  static double utilization(SubOrchestratorServer s) {
    var load = s.load();
    return (load.getCurrentTasks() + load.getQueueLength()) / (double) Math.max(1, s.maxConcurrentTasks());
  }

  private static void gauge(MeterRegistry registry, String name, String help, Tags tags, SubOrchestratorServer server,
      ToDoubleFunction<SubOrchestratorServer> value) {
    Gauge.builder(name, server, value).description(help).tags(tags).strongReference(true).register(registry);
  }
}
