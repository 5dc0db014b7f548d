package dev.baton.runtime.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.v1.DroidEvent;
import dev.baton.v1.Usage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClaudeStreamParserTest {
  private static final PriceTable PRICES = new PriceTable(Map.of("claude-sonnet-4-5", new PriceTable.Price(3, 15, 0.3, 3.75)));

  @TempDir Path workspace;

  private ClaudeStreamParser parser() {
    return new ClaudeStreamParser(PRICES, workspace);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      {"type":"system","subtype":"init","session_id":"s-1","model":"claude-sonnet-4-5","tools":["Read","Write"],"cwd":"/w"} | MESSAGE
      {"type":"assistant","message":{"id":"m1","content":[{"type":"text","text":"Hello"}],"usage":{"input_tokens":10,"output_tokens":5}},"session_id":"s-1"} | MESSAGE,USAGE
      {"type":"assistant","message":{"id":"m1","content":[{"type":"thinking","thinking":"hmm"}],"usage":{"input_tokens":10,"output_tokens":5}}} | USAGE
      {"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}} | TOOL_RESULT
      {"type":"system","subtype":"compact_boundary","session_id":"s-1"} | RAW
      {"type":"stream_event","event":{}} | RAW
      not json at all | RAW
      [1,2,3] | RAW
      {"type":"result","subtype":"success","is_error":false,"result":"done","session_id":"s-1","num_turns":2,"total_cost_usd":0.5,"usage":{"input_tokens":1,"output_tokens":2}} | USAGE,COMPLETION
      {"type":"result","subtype":"error_max_turns","is_error":false,"result":"","num_turns":3,"total_cost_usd":0.1,"usage":{}} | USAGE,ERROR,COMPLETION
      """)
  void mapsEachLineToItsEvents(String line, String kinds) {
    List<DroidEvent> events = parser().parse(line);
    assertThat(events).extracting(e -> e.getKindCase().name())
        .containsExactlyElementsOf(kinds.isEmpty() ? List.of() : List.of(kinds.split(",")));
  }

  @Test
  void parsesARealRunInOrderWithToolCallsFileChangesAndTheFinalUsageAndCost() {
    ClaudeStreamParser p = parser();
    List<String> lines = List.of(
        "{\"type\":\"system\",\"subtype\":\"init\",\"cwd\":\"" + workspace + "\",\"session_id\":\"9f1c\",\"tools\":[\"Write\"],\"model\":\"claude-sonnet-4-5\"}",
        "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-sonnet-4-5\",\"content\":[{\"type\":\"text\",\"text\":\"Writing\"},"
            + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"Write\",\"input\":{\"file_path\":\"" + workspace + "/src/new.js\",\"content\":\"x\"}}],"
            + "\"usage\":{\"input_tokens\":100,\"output_tokens\":20,\"cache_read_input_tokens\":1000,\"cache_creation_input_tokens\":50}},\"session_id\":\"9f1c\"}",
        // the same message again (claude repeats a message's usage on each of its lines): not counted twice
        "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_1\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"Edit\",\"input\":{\"file_path\":\"existing.js\",\"old_string\":\"old\",\"new_string\":\"new\"}}],"
            + "\"usage\":{\"input_tokens\":100,\"output_tokens\":20,\"cache_read_input_tokens\":1000,\"cache_creation_input_tokens\":50}},\"session_id\":\"9f1c\"}",
        "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[{\"tool_use_id\":\"toolu_1\",\"type\":\"tool_result\",\"content\":[{\"type\":\"text\",\"text\":\"File created\"}]}]}}",
        "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"content\":\"The file existing.js has been updated.\"}]}}",
        "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"All done\",\"session_id\":\"9f1c\",\"num_turns\":3,"
            + "\"total_cost_usd\":0.0123,\"usage\":{\"input_tokens\":300,\"output_tokens\":60,\"cache_read_input_tokens\":3000,\"cache_creation_input_tokens\":50}}");
    List<DroidEvent> events = lines.stream().flatMap(l -> p.parse(l).stream()).toList();

    assertThat(events).extracting(e -> e.getKindCase().name()).containsExactly(
        "MESSAGE", "MESSAGE", "TOOL_CALL", "USAGE", "TOOL_CALL", "TOOL_RESULT", "FILE_CHANGE",
        "TOOL_RESULT", "FILE_CHANGE", "USAGE", "COMPLETION");
    assertThat(events.get(5).getToolResult().getId()).isEqualTo("toolu_1");
    assertThat(events.get(5).getToolResult().getOutput()).isEqualTo("File created");
    // a file change is reported once its tool succeeded: Write "File created" is an add
    assertThat(events.get(6).getFileChange().getPath()).isEqualTo("src/new.js");
    assertThat(events.get(6).getFileChange().getChange()).isEqualTo("add");
    // the result without an id answers the oldest unanswered call
    assertThat(events.get(7).getToolResult().getId()).isEqualTo("toolu_2");
    assertThat(events.get(8).getFileChange().getPath()).isEqualTo("existing.js");
    assertThat(events.get(8).getFileChange().getChange()).isEqualTo("modify");

    Usage running = events.get(3).getUsage();
    assertThat(running.getInputTokens()).isEqualTo(100);
    assertThat(running.getTurns()).isEqualTo(1);
    assertThat(running.getCostEstimated()).isTrue();
    assertThat(running.getCostUsd()).isCloseTo((100 * 3 + 20 * 15 + 1000 * 0.3 + 50 * 3.75) / 1e6, org.assertj.core.data.Offset.offset(1e-12));

    Usage total = events.get(9).getUsage();
    assertThat(total.getInputTokens()).isEqualTo(300);
    assertThat(total.getCacheReadTokens()).isEqualTo(3000);
    assertThat(total.getTurns()).isEqualTo(3);
    assertThat(total.getCostUsd()).isEqualTo(0.0123);
    assertThat(total.getCostEstimated()).isFalse();
    assertThat(total.getModel()).isEqualTo("claude-sonnet-4-5");
    assertThat(events.get(10).getCompletion().getSessionId()).isEqualTo("9f1c");
    assertThat(events.get(10).getCompletion().getResult()).isEqualTo("All done");
    assertThat(events.get(10).getCompletion().getUsage()).isEqualTo(total);
    assertThat(p.completion()).isPresent();
  }

  @Test
  void isErrorOnTheResultLineMakesAFailedCompletionAndAnErrorEvent() {
    ClaudeStreamParser p = parser();
    List<DroidEvent> events = p.parse("{\"type\":\"result\",\"subtype\":\"error_during_execution\",\"is_error\":true,"
        + "\"result\":\"API Error\",\"session_id\":\"s\",\"num_turns\":1,\"total_cost_usd\":0.01,\"usage\":{}}");
    assertThat(events).filteredOn(DroidEvent::hasError).singleElement()
        .satisfies(e -> assertThat(e.getError().getMessage()).contains("error_during_execution", "API Error"));
    assertThat(p.completion()).hasValueSatisfying(c -> assertThat(c.getIsError()).isTrue());
  }

  @Test
  void boundsTextAndRawEvents() {
    ClaudeStreamParser p = parser();
    String huge = "x".repeat(100_000);
    DroidEvent message = p.parse("{\"type\":\"assistant\",\"message\":{\"id\":\"m\",\"content\":[{\"type\":\"text\",\"text\":\"" + huge + "\"}]}}").get(0);
    assertThat(message.getMessage().getText().getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(16 * 1024);
    assertThat(message.getMessage().getText()).endsWith("[cut: 100000 bytes in all]");
    DroidEvent raw = p.parse("{\"type\":\"brand_new\",\"data\":\"" + huge + "\"}").get(0);
    assertThat(raw.getRaw().getType()).isEqualTo("brand_new");
    assertThat(raw.getRaw().getJson().length()).isLessThanOrEqualTo(4 * 1024);
  }

  @Test
  void neverThrowsOnDeeplyNestedOrBrokenInput() {
    ClaudeStreamParser p = parser();
    String deep = "[".repeat(5000) + "]".repeat(5000);
    assertThat(p.parse(deep)).singleElement().satisfies(e -> assertThat(e.hasRaw()).isTrue());
    assertThat(p.parse("{\"type\":\"assistant\",\"message\":42}")).noneMatch(DroidEvent::hasCompletion);
    assertThat(p.parse("{\"type\":\"user\",\"message\":{\"content\":\"plain text\"}}"))
        .singleElement().satisfies(e -> assertThat(e.getMessage().getRole()).isEqualTo("user"));
    assertThat(p.parse("")).isEmpty();
  }

  @Test
  void aFailedEditChangesNoFile() {
    ClaudeStreamParser p = new ClaudeStreamParser(PriceTable.defaults(), null);
    p.parse("{\"type\":\"assistant\",\"message\":{\"id\":\"m\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"Edit\",\"input\":{\"file_path\":\"a.js\"}}]}}");
    List<DroidEvent> events = p.parse("{\"type\":\"user\",\"message\":{\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":\"<tool_use_error>String to replace not found</tool_use_error>\",\"is_error\":true}]}}");
    assertThat(events).extracting(e -> e.getKindCase().name()).containsExactly("TOOL_RESULT");
  }
}
