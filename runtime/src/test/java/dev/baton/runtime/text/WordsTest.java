package dev.baton.runtime.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WordsTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "Design the REST-API v2, with OAuth2!", "  leading and trailing  ", "", "---", "Ünïcode Straße café İstanbul",
      "snake_case and kebab-case 42x"})
  void splitsAsTheAlnumRegexDid(String text) {
    List<String> regex = Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{Alnum}]+"))
        .filter(w -> !w.isEmpty()).toList();

    assertThat(Words.of(text)).isEqualTo(regex);
  }
}
