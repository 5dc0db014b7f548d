package dev.baton.master.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {
  @ParameterizedTest(name = "{0} = {1}s, written {2}")
  @CsvSource({"90s, 90, 1m30s", "30m, 1800, 30m", "2h, 7200, 2h", "1h30m, 5400, 1h30m", "1h0m5s, 3605, 1h5s",
      "120m, 7200, 2h"})
  void parsesAndFormats(String text, long seconds, String canonical) {
    String[] problem = new String[1];
    Duration d = Durations.parse(text, problem).orElseThrow();
    assertThat(d).hasSeconds(seconds);
    assertThat(Durations.format(d)).isEqualTo(canonical);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      -5m      | '-5m' is negative
      0s       | '0s' is zero
      30       | '30' is not a duration
      1.5h     | '1.5h' is not a duration
      30m2h    | '30m2h' is not a duration
      1001h    | '1001h' is longer than 1000h
      ""       | '' is not a duration
      """)
  void refusesWithTheReason(String text, String reason) {
    String[] problem = new String[1];
    assertThat(Durations.parse(text, problem)).isEmpty();
    assertThat(problem[0]).isEqualTo(reason);
  }
}
