package dev.baton.master.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.v1.InstanceHealth;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.Specialization;
import dev.baton.v1.SubOrchestratorDescriptor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Health from the clock, and the reason an instance went offline, which recovery events quote. */
class EmbeddedRegistryTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
  private final EmbeddedRegistry registry =
      new EmbeddedRegistry(clock, Duration.ofSeconds(1), Duration.ofSeconds(5));

  private static SubOrchestratorDescriptor backend(String id) {
    return SubOrchestratorDescriptor.newBuilder().setId(id)
        .setSpecialization(Specialization.newBuilder().setDomain("backend")).build();
  }

  @Test
  void aLiveInstanceHasNoOfflineReason() {
    registry.register(backend("b1"), frame -> { });

    assertThat(registry.instance("b1").orElseThrow().health()).isEqualTo(InstanceHealth.INSTANCE_HEALTH_HEALTHY);
    assertThat(registry.offlineReason("b1")).isEmpty();
    assertThat(registry.offlineReason("unknown")).isEmpty();
  }

  @Test
  void silenceGoesSuspectThenOfflineWithTheMissedHeartbeatsAsReason() {
    registry.register(backend("b1"), frame -> { });

    clock.advance(Duration.ofMillis(2500));
    assertThat(registry.instance("b1").orElseThrow().health()).isEqualTo(InstanceHealth.INSTANCE_HEALTH_SUSPECT);
    assertThat(registry.offlineReason("b1")).isEmpty();

    clock.advance(Duration.ofSeconds(3));
    assertThat(registry.instance("b1").orElseThrow().health()).isEqualTo(InstanceHealth.INSTANCE_HEALTH_OFFLINE);
    assertThat(registry.offlineReason("b1")).hasValue("heartbeats missed for 5500 ms");

    registry.heartbeat("b1", LoadMetrics.getDefaultInstance(), null);
    assertThat(registry.offlineReason("b1")).isEmpty();
  }

  @Test
  void anEndedStreamIsTheReason() {
    long token = registry.register(backend("b1"), frame -> { });

    registry.deregister("b1", token);

    assertThat(registry.instance("b1").orElseThrow().health()).isEqualTo(InstanceHealth.INSTANCE_HEALTH_OFFLINE);
    assertThat(registry.offlineReason("b1")).hasValue("coordinate stream lost");
  }

  private static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
