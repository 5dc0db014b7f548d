package dev.baton.master.metrics;

import dev.baton.master.resilience.Breakers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;

/**
 * The circuit breakers' series: {@code baton_breaker_state{instance,state}} (1 for the state the
 * instance's breaker is in, 0 for the others: the Prometheus way to show an enum) and {@code
 * baton_breaker_transitions_total{instance,to}}. A listener on {@link Breakers} rather than
 * resilience4j-micrometer, whose binders need a CircuitBreakerRegistry that Breakers does not use.
 *
 * <p>Instances are bounded by the deployment; an instance gone keeps its series until the master
 * restarts (a breaker outlives its instance in {@link Breakers} too).
 */
public final class BreakerMeters implements Breakers.TransitionListener {
  /** The states shown; FORCED_OPEN and the others resilience4j has are never used by Breakers. */
  static final List<CircuitBreaker.State> STATES =
      List.of(CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN);

  private final MeterRegistry registry;
  private final Breakers breakers;

  private BreakerMeters(MeterRegistry registry, Breakers breakers) {
    this.registry = registry;
    this.breakers = breakers;
  }

  /** Starts recording {@code breakers}' states and transitions in {@code registry}. */
  public static void bind(MeterRegistry registry, Breakers breakers) {
    breakers.addTransitionListener(new BreakerMeters(registry, breakers));
  }

  @Override
  public void created(String instanceId) {
    // Transitions start at 0 for every target state, so that increase() sees the first one.
    for (CircuitBreaker.State state : STATES) {
      transitions(instanceId, state);
    }
    for (CircuitBreaker.State state : STATES) {
      Gauge.builder("baton_breaker_state", breakers, b -> b.state(instanceId) == state ? 1 : 0)
          .description("1 for the state of the instance's circuit breaker (closed, open, half_open), else 0")
          .tag("instance", instanceId).tag("state", name(state)).strongReference(true).register(registry);
    }
  }

  @Override
  public void transition(String instanceId, CircuitBreaker.State from, CircuitBreaker.State to) {
    transitions(instanceId, to).increment();
  }

  private Counter transitions(String instanceId, CircuitBreaker.State to) {
    return Counter.builder("baton.breaker.transitions").description("Transitions of the instances' circuit breakers, by new state")
        .tag("instance", instanceId).tag("to", name(to)).register(registry);
  }

  static String name(CircuitBreaker.State state) {
    return state.name().toLowerCase(Locale.ROOT);
  }
}
