package dev.baton.runtime.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.baton.runtime.fuzz.FuzzContract;
import dev.baton.v1.DroidEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Coverage-guided fuzz target for the three agent stream parsers: an agent CLI's stdout is
 * untrusted text, and the parsers promise never to throw (a line they cannot read becomes a
 * bounded {@code raw} event). Any throwable, an event past the raw bound or a hang is a finding.
 *
 * <p>Each input is a whole stdout: split at line breaks, fed line by line, then ended. Seeds are
 * plain JSONL files in {@code src/test/resources/dev/baton/runtime/agent/AgentStreamFuzzTestInputs/everyParser/}
 * (one file per CLI session or line, {@code crash-*} files are findings kept as regression inputs).
 * See docs/security.md, "Fuzzing", for the run modes.
 */
class AgentStreamFuzzTest {
  private static final PriceTable PRICES = PriceTable.defaults();
  private static final Path WORKSPACE = Path.of("/tmp/baton-fuzz-workspace");

  /** One stdout through all three parsers: their formats share most shapes, and one target fuzzes faster than three. */
  @FuzzTest(maxDuration = "10s")
  void everyParser(byte[] stdout) {
    FuzzContract.within(() -> checkEveryParser(stdout));
  }

  private static void checkEveryParser(byte[] stdout) {
    String text = new String(stdout, StandardCharsets.UTF_8);
    feed(new ClaudeStreamParser(PRICES, WORKSPACE), text);
    feed(new CodexStreamParser(PRICES, WORKSPACE, "gpt-5-codex"), text);
    feed(new FactoryDroidStreamParser(PRICES, WORKSPACE), text);
  }

  private static void feed(AgentStreamParser parser, String text) {
    for (String line : text.split("\n", -1)) {
      check(parser.parse(line));
    }
    check(parser.endOfStream());
    assertThat(parser.usage()).isNotNull();
    checkUsage(parser, parser.usage());
    parser.completion().ifPresent(c -> checkUsage(parser, c.getUsage()));
  }

  /**
   * Budgets are enforced on this usage: a negative or non-finite value is credit a droid could
   * spend (found with the hand-written seeds {@code claude-negative-cost.jsonl}, {@code *-token-overflow.jsonl}).
   */
  private static void checkUsage(AgentStreamParser parser, dev.baton.v1.Usage u) {
    boolean valid = u.getInputTokens() >= 0 && u.getOutputTokens() >= 0 && u.getCacheReadTokens() >= 0
        && u.getCacheWriteTokens() >= 0 && u.getTurns() >= 0
        && Double.isFinite(u.getCostUsd()) && u.getCostUsd() >= 0;
    if (!valid) {
      throw new AssertionError(parser.getClass().getSimpleName()
          + " reported a usage with a negative or non-finite value (expected: counts and cost >= 0): "
          + u.toString().replace('\n', ' '));
    }
  }

  // The contract beyond "does not throw": events are well-formed protos of bounded size.
  private static void check(List<DroidEvent> events) {
    assertThat(events).isNotNull().doesNotContainNull();
    for (DroidEvent e : events) {
      assertThat(e.getKindCase()).isNotEqualTo(DroidEvent.KindCase.KIND_NOT_SET);
      if (e.hasRaw()) {
        assertThat(e.getRaw().getJson().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(Bounds.RAW_BYTES);
      }
    }
  }
}
