package dev.baton.runtime.backoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), new Random(7));

  @ParameterizedTest(name = "retry {0} waits {1}..{2} ms")
  @CsvSource({"0, 100, 200", "1, 200, 400", "3, 800, 1600", "4, 1600, 3200", "5, 2500, 5000", "30, 2500, 5000"})
  void growsExponentiallyWithJitterUpToTheCap(int attempt, long min, long max) {
    for (int i = 0; i < 50; i++) {
      assertThat(backoff.delay(attempt).toMillis()).isBetween(min, max);
    }
  }
}
