package dev.baton.master.metrics;

import dev.baton.master.events.PlanStore;
import dev.baton.master.resilience.Breakers;
import io.micrometer.core.instrument.MeterRegistry;

/** Wires the master's event-driven series: one call from MasterServer, so its hunk stays small. */
public final class MasterMeters {
  private MasterMeters() {}

  /**
   * Records {@code breakers}' series in {@code meters} and returns {@code store} with every
   * appended event recorded by a {@link PlanEventMeters}: the store the engine writes to.
   */
  public static PlanStore observe(MeterRegistry meters, PlanStore store, Breakers breakers) {
    BreakerMeters.bind(meters, breakers);
    return new ObservedPlanStore(store, new PlanEventMeters(meters, store)::onEvent);
  }
}
