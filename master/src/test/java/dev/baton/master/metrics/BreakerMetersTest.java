package dev.baton.master.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.master.resilience.Breakers;
import dev.baton.master.resilience.ResilienceConfig;
import dev.baton.master.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The breaker series follow the breakers' states, one gauge set per instance. */
class BreakerMetersTest {
  private final ManualClock clock = ManualClock.create();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Breakers breakers = new Breakers(ResilienceConfig.defaults(), clock);

  private double state(String instance, String state) {
    return registry.find("baton_breaker_state").tag("instance", instance).tag("state", state).gauge().value();
  }

  @Test
  void gaugesShowTheStateAndTransitionsAreCountedByTarget() {
    BreakerMeters.bind(registry, breakers);
    assertThat(breakers.tryAcquire("backend-1")).isTrue();
    breakers.release("backend-1");
    assertThat(state("backend-1", "closed")).isEqualTo(1);
    assertThat(state("backend-1", "open")).isZero();

    breakers.open("backend-1", "heartbeat timed out");
    assertThat(state("backend-1", "open")).isEqualTo(1);
    assertThat(state("backend-1", "closed")).isZero();
    breakers.halfOpen("backend-1");
    assertThat(state("backend-1", "half_open")).isEqualTo(1);
    assertThat(registry.find("baton.breaker.transitions").tag("instance", "backend-1").tag("to", "open").counter().count())
        .isEqualTo(1);
    assertThat(registry.find("baton.breaker.transitions").tag("to", "half_open").counter().count()).isEqualTo(1);
    assertThat(registry.find("baton_breaker_state").tag("instance", "backend-2").gauges()).as("no breaker yet").isEmpty();
  }
}
