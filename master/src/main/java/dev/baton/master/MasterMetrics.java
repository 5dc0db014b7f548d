package dev.baton.master;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * A master's gauges, read from the server when scraped: whether it leads (one master of a
 * PostgreSQL journal at a time: alert on the sum being other than 1) and how many plans it runs.
 * Label {@code master} (its id).
 */
public final class MasterMetrics {
  private MasterMetrics() {}

  /** Registers the gauges of {@code server} in {@code registry}. */
  public static void bind(MeterRegistry registry, MasterServer server) {
    Tags tags = Tags.of("master", server.id());
    Gauge.builder("baton_master_leader", server, s -> s.leading() ? 1 : 0)
        .description("1 while this master leads, 0 while it stands by").tags(tags).strongReference(true)
        .register(registry);
    Gauge.builder("baton_master_plans_active", server, MasterServer::activePlans)
        .description("Plans this master runs now (0 on a standby)").tags(tags).strongReference(true)
        .register(registry);
  }
}
