package dev.baton.master.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryRulesTest {

  @ParameterizedTest(name = "{0}, idempotent {1} -> retry {2}, counts against instance {3}")
  @CsvSource({
      "UNAVAILABLE,         true,  true,  true",
      "UNAVAILABLE,         false, true,  true",
      "DEADLINE_EXCEEDED,   true,  true,  true",
      "DEADLINE_EXCEEDED,   false, false, true",
      "INTERNAL,            true,  false, true",
      "UNKNOWN,             true,  false, true",
      "RESOURCE_EXHAUSTED,  true,  false, true",
      "INVALID_ARGUMENT,    true,  false, false",
      "NOT_FOUND,           true,  false, false",
      "FAILED_PRECONDITION, true,  false, false",
      "ALREADY_EXISTS,      true,  false, false",
      "CANCELLED,           true,  false, false",
      "PERMISSION_DENIED,   true,  false, false",
  })
  void retriesOnlyCodesSafeToRetry(Status.Code code, boolean idempotent, boolean retry, boolean counts) {
    assertThat(RetryRules.retryable(code, idempotent)).isEqualTo(retry);
    assertThat(RetryRules.countsAgainstInstance(code)).isEqualTo(counts);
  }

  @Test
  void backoffDoublesIsCappedAndJittered() {
    ResilienceConfig c = ResilienceConfig.builder().retryBackoff(Duration.ofMillis(100))
        .retryBackoffMax(Duration.ofMillis(300)).build();
    Random r = new Random(7);
    for (int i = 0; i < 50; i++) {
      assertThat(RetryRules.backoff(c, 2, r).toMillis()).isBetween(50L, 150L);
      assertThat(RetryRules.backoff(c, 3, r).toMillis()).isBetween(100L, 300L);
      assertThat(RetryRules.backoff(c, 9, r).toMillis()).isBetween(150L, 450L);
    }
  }
}
