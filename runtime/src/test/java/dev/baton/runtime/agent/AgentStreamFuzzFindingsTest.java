package dev.baton.runtime.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.v1.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link AgentStreamFuzzTest}'s contract (usage never negative or not finite) caught, as plain
 * tests (the inputs also stay in its Inputs directory). Budgets are enforced on this usage, so a
 * negative cost or an overflowed count is credit a droid could spend.
 */
class AgentStreamFuzzFindingsTest {
  private static final long MAX = Long.MAX_VALUE;

  @Test
  void aNegativeOrInfiniteReportedCostIsEstimatedInstead() {
    for (String cost : List.of("-0.5", "1e400")) {
      ClaudeStreamParser p = new ClaudeStreamParser(PriceTable.defaults(), null);
      p.parse("{\"type\":\"result\",\"subtype\":\"success\",\"result\":\"done\",\"num_turns\":-2,"
          + "\"total_cost_usd\":" + cost + ",\"usage\":{\"input_tokens\":1000,\"output_tokens\":0}}");

      Usage u = p.usage();
      assertThat(u.getCostUsd()).as(cost).isFinite().isGreaterThanOrEqualTo(0);
      assertThat(u.getCostEstimated()).as(cost).isTrue();
      assertThat(u.getTurns()).as(cost).isZero();
    }
  }

  @Test
  void tokenCountsStopAtTheLargestLongInsteadOfOverflowing() {
    ClaudeStreamParser claude = new ClaudeStreamParser(PriceTable.defaults(), null);
    claude.parse("{\"type\":\"assistant\",\"message\":{\"id\":\"m1\",\"content\":[],\"usage\":{\"input_tokens\":" + MAX + "}}}");
    claude.parse("{\"type\":\"assistant\",\"message\":{\"id\":\"m2\",\"content\":[],\"usage\":{\"input_tokens\":" + MAX + "}}}");
    assertThat(claude.usage().getInputTokens()).isEqualTo(MAX);

    CodexStreamParser codex = new CodexStreamParser(PriceTable.defaults(), null, "gpt-5-codex");
    codex.parse("{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1,\"output_tokens\":" + MAX + "}}");
    codex.parse("{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1,\"output_tokens\":" + MAX + "}}");
    codex.endOfStream();
    assertThat(codex.usage().getOutputTokens()).isEqualTo(MAX);

    FactoryDroidStreamParser droid = new FactoryDroidStreamParser(PriceTable.defaults(), null);
    droid.parse("{\"type\":\"completion\",\"finalText\":\"done\",\"numTurns\":1,\"usage\":{\"output_tokens\":" + MAX
        + ",\"thinking_tokens\":" + MAX + "}}");
    assertThat(droid.usage().getOutputTokens()).isEqualTo(MAX);
  }

  @Test
  void plusSaturates() {
    assertThat(AgentStreamParser.plus(MAX, 1)).isEqualTo(MAX);
    assertThat(AgentStreamParser.plus(2, 3)).isEqualTo(5);
  }
}
