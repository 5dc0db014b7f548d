package dev.baton.runtime.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
  @Test
  void suggestsTheNearestKnownName() {
    assertThat(Suggestions.closest("chekout-api", List.of("cart-api", "checkout-api", "payments"))).isEqualTo("checkout-api");
    assertThat(Suggestions.closest("inventory", List.of("cart-api", "checkout-api"))).isNull();
  }

  @Test
  void aHugeUnknownNameCostsNoMoreThanComparingLengths() {
    // Before: a 1 MB unknown dependency against 20,000 task ids was a 1 MB x 63 table per id,
    // minutes of CPU for one ValidatePlan.
    List<String> ids = IntStream.range(0, 20_000).mapToObj(i -> "task-" + i).toList();
    String huge = "x".repeat(1_000_000);

    String suggestion = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Suggestions.closest(huge, ids));

    assertThat(suggestion).isNull();
  }
}
