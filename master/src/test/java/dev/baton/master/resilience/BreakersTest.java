package dev.baton.master.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BreakersTest {
  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final ManualClock clock = new ManualClock();
  private final Breakers breakers = new Breakers(ResilienceConfig.builder()
      .slidingWindowSize(4).minimumNumberOfCalls(3).failureRateThreshold(50)
      .waitInOpenState(Duration.ofSeconds(2)).permittedCallsInHalfOpenState(1).build(), clock);
  private final List<String> opened = new ArrayList<>();

  BreakersTest() {
    breakers.addListener((id, why) -> opened.add(id + ": " + why));
  }

  @Test
  void opensAfterMinimumCallsFailAndKeepsTheInstanceOut() {
    breakers.failure("b1", Duration.ofMillis(5), "Delegate to b1 failed: UNAVAILABLE");
    breakers.failure("b1", Duration.ofMillis(5), "Delegate to b1 failed: UNAVAILABLE");
    assertThat(breakers.state("b1")).as("2 calls are below the minimum of 3").isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breakers.tryAcquire("b1")).isTrue();
    breakers.failure("b1", Duration.ofMillis(5), "Describe to b1 failed: DEADLINE_EXCEEDED");

    assertThat(breakers.state("b1")).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breakers.tryAcquire("b1")).isFalse();
    assertThat(breakers.word("b1")).isEqualTo("open");
    assertThat(opened).containsExactly("b1: circuit breaker opened: 100% of the last 3 calls failed"
        + " (last: Describe to b1 failed: DEADLINE_EXCEEDED)");
    assertThat(breakers.state("b2")).as("breakers are per instance").isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void successesKeepItClosedBelowTheThreshold() {
    breakers.success("b1", Duration.ofMillis(1));
    breakers.success("b1", Duration.ofMillis(1));
    breakers.failure("b1", Duration.ofMillis(1), "x");
    assertThat(breakers.state("b1")).as("1 of 3 failed: 33% < 50%").isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void halfOpenLetsOneProbeThroughAndItsSuccessClosesTheBreaker() {
    breakers.open("b1", "coordinate stream lost");
    assertThat(opened).containsExactly("b1: coordinate stream lost");
    assertThat(breakers.tryAcquire("b1")).as("still waiting").isFalse();

    clock.now = clock.now.plusMillis(2001);
    assertThat(breakers.tryAcquire("b1")).as("the probe").isTrue();
    assertThat(breakers.state("b1")).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(breakers.tryAcquire("b1")).as("only one probe at a time").isFalse();

    breakers.success("b1", Duration.ofMillis(3));
    assertThat(breakers.state("b1")).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breakers.tryAcquire("b1")).isTrue();
  }

  @Test
  void aFailedProbeOpensItAgain() {
    breakers.open("b1", "heartbeats missed for 5000 ms");
    breakers.halfOpen("b1");
    assertThat(breakers.tryAcquire("b1")).isTrue();
    breakers.failure("b1", Duration.ofMillis(3), "Delegate to b1 failed: UNAVAILABLE");
    assertThat(breakers.state("b1")).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(opened).hasSize(2);
  }

  @Test
  void configIsValidatedWithTheBadAndTheExpectedValue() {
    assertThatThrownBy(() -> ResilienceConfig.builder().failureRateThreshold(120).build())
        .hasMessage("failureRateThreshold: 120 (expected: 1..100)");
    assertThatThrownBy(() -> ResilienceConfig.builder().slidingWindowSize(4).minimumNumberOfCalls(5).build())
        .hasMessage("minimumNumberOfCalls: 5 (expected: 1..4)");
    assertThatThrownBy(() -> ResilienceConfig.builder().callDeadline(Duration.ZERO).build())
        .hasMessage("callDeadline: PT0S (expected: > 0)");
    assertThatThrownBy(() -> ResilienceConfig.builder().redistributeMinCoverage(1.5).build())
        .hasMessage("redistributeMinCoverage: 1.5 (expected: 0..1)");
  }
}
