package dev.baton.runtime.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.v1.Usage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriceTableTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}: in {1}, out {2}, cache {3} -> {4}")
  @CsvSource({
      "gpt-5-codex, 1000000, 0, 0, 1.25",
      "gpt-5-codex, 0, 1000000, 0, 10.0",
      "gpt-5-codex, 0, 0, 1000000, 0.125",
      "GPT-5-CODEX, 2000000, 1000000, 0, 12.5",
      "unknown-model, 1000000, 1000000, 0, 18.0",
      "'', 1000000, 0, 0, 3.0",
  })
  void costsTokensAtTheModelsPriceOrTheDefault(String model, long in, long out, long cache, double usd) {
    PriceTable table = new PriceTable(Map.of("gpt-5-codex", new PriceTable.Price(1.25, 10, 0.125, 1.25)));
    Usage usage = Usage.newBuilder().setModel(model).setInputTokens(in).setOutputTokens(out).setCacheReadTokens(cache).build();
    assertThat(table.cost(usage)).isEqualTo(usd);
    assertThat(table.estimate(usage).getCostEstimated()).isTrue();
  }

  @Test
  void loadsYamlWithADefaultEntry() throws Exception {
    Path file = Files.writeString(dir.resolve("prices.yaml"), """
        default: {input: 2, output: 8}
        gpt-5.1-codex: {input: 1.25, output: 10, cacheRead: 0.125}
        """);
    PriceTable table = PriceTable.load(file);
    assertThat(table.price("gpt-5.1-codex")).isEqualTo(new PriceTable.Price(1.25, 10, 0.125, 1.25));
    assertThat(table.price("other")).isEqualTo(new PriceTable.Price(2, 8, 0.2, 2));
  }

  @Test
  void loadsPropertiesWhoseModelNamesHoldDots() throws Exception {
    Path file = Files.writeString(dir.resolve("prices.properties"), """
        gpt-5.1-codex.input=1.25
        gpt-5.1-codex.output=10
        gpt-5.1-codex.cacheRead=0.125
        """);
    PriceTable table = PriceTable.load(file);
    assertThat(table.price("gpt-5.1-codex").output()).isEqualTo(10);
    assertThat(table.price("anything")).isEqualTo(PriceTable.FALLBACK);
  }

  @Test
  void rejectsAFileItCannotUseAndNamesTheBadEntry() throws Exception {
    Path missingOutput = Files.writeString(dir.resolve("a.yaml"), "m1: {input: 1}\n");
    assertThatThrownBy(() -> PriceTable.load(missingOutput)).hasMessageContaining("m1").hasMessageContaining("output");
    Path typo = Files.writeString(dir.resolve("b.properties"), "m1.inptu=1\n");
    assertThatThrownBy(() -> PriceTable.load(typo)).hasMessageContaining("m1.inptu");
    Path notNumber = Files.writeString(dir.resolve("c.properties"), "m1.input=cheap\n");
    assertThatThrownBy(() -> PriceTable.load(notNumber)).hasMessageContaining("'cheap'");
    assertThatThrownBy(() -> new PriceTable.Price(-1, 1, 0, 0)).hasMessageContaining("input: -1.0 (expected: >= 0");
  }
}
