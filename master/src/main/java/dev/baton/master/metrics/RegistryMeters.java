package dev.baton.master.metrics;

import dev.baton.master.registry.Registry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;

/**
 * {@code baton_orchestrator_instances{domain}}: the healthy instances the master can delegate a
 * domain's tasks to (what the alert "no sub-orchestrator for a domain" watches). Read from the
 * registry when scraped. Domains: the four built-in ones; a custom domain's tasks still show in
 * {@code baton_tasks}.
 */
public final class RegistryMeters {
  private RegistryMeters() {}

  /** Registers one gauge per domain of {@code domains}. */
  public static void bind(MeterRegistry meters, Registry registry, Collection<String> domains) {
    for (String domain : domains) {
      Gauge.builder("baton_orchestrator_instances", registry, r -> r.healthy(domain).size())
          .description("Healthy sub-orchestrator instances of the domain the master can delegate to")
          .tag("domain", domain).strongReference(true).register(meters);
    }
  }
}
