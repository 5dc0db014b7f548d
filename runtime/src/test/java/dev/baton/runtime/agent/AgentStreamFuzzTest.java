package dev.baton.runtime.agent;

import static dev.baton.runtime.fuzz.ParserContract.SHORT_RUN;
import static dev.baton.runtime.fuzz.ParserContract.quickly;
import static dev.baton.runtime.fuzz.ParserContract.text;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.baton.v1.DroidEvent;
import dev.baton.v1.Usage;
import java.nio.file.Path;
import java.util.List;

/**
 * An agent CLI's stdout is written by a model acting on a repository: it can say anything. Each
 * input is one run's stdout, fed line by line to all three parsers. Their contract is stronger than
 * the other parsers': they never throw (a line they do not understand becomes a {@code raw} event),
 * and the usage they report is never negative or not a number, since budgets are enforced on it
 * (a negative cost would buy a droid more than its budget). Seeds: runs from the parsers' tests, in
 * {@code src/test/resources/dev/baton/runtime/agent/AgentStreamFuzzTestInputs/}.
 */
class AgentStreamFuzzTest {
  private static final Path WORKSPACE = Path.of("/work/space");

  // Numbers at the edges help the mutator reach the usage arithmetic, which it did not in 60 s from
  // the seeds alone (the negative cost and the overflows were first shown by hand-written seeds).
  @DictionaryEntries({"-", "-1", "1e400", "NaN", "9223372036854775807", "2147483648", "\"total_cost_usd\":",
      "\"num_turns\":", "\"usage\":{", "\"input_tokens\":", "\"output_tokens\":", "\"thinking_tokens\":",
      "\"cached_input_tokens\":", "\"turn.completed\"", "\"completion\"", "\"result\"", "\"tool_use\"",
      "\"tool_result\"", "\"file_path\":"})
  @FuzzTest(maxDuration = SHORT_RUN)
  void parsesEveryLineOfEveryRunner(byte[] data) {
    String[] lines = text(data).split("\n", -1);
    quickly(() -> parseWithEachRunner(lines));
  }

  private static void parseWithEachRunner(String[] lines) {
    for (AgentStreamParser parser : List.of(
        new ClaudeStreamParser(PriceTable.defaults(), WORKSPACE),
        new CodexStreamParser(PriceTable.defaults(), WORKSPACE, "gpt-5-codex"),
        new FactoryDroidStreamParser(PriceTable.defaults(), WORKSPACE))) {
      for (String line : lines) {
        check(parser, parser.parse(line));
      }
      check(parser, parser.endOfStream());
      checkUsage(parser, parser.usage());
    }
  }

  private static void check(AgentStreamParser parser, List<DroidEvent> events) {
    for (DroidEvent e : events) {
      if (e.hasUsage()) {
        checkUsage(parser, e.getUsage());
      }
      if (e.hasCompletion()) {
        checkUsage(parser, e.getCompletion().getUsage());
      }
    }
  }

  private static void checkUsage(AgentStreamParser parser, Usage u) {
    boolean valid = u.getInputTokens() >= 0 && u.getOutputTokens() >= 0 && u.getCacheReadTokens() >= 0
        && u.getCacheWriteTokens() >= 0 && u.getTurns() >= 0
        && Double.isFinite(u.getCostUsd()) && u.getCostUsd() >= 0;
    if (!valid) {
      throw new AssertionError(parser.getClass().getSimpleName()
          + " reported a usage with a negative or non-finite value (expected: counts and cost >= 0): "
          + u.toString().replace('\n', ' '));
    }
  }
}
