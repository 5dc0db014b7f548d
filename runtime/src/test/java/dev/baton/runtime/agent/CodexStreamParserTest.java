package dev.baton.runtime.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.v1.DroidEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CodexStreamParserTest {
  private static final PriceTable PRICES = new PriceTable(Map.of("gpt-5-codex", new PriceTable.Price(1.25, 10, 0.125, 1.25)));

  @TempDir Path workspace;

  private CodexStreamParser parser() {
    return new CodexStreamParser(PRICES, workspace, "gpt-5-codex");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      {"type":"thread.started","thread_id":"0199a213-81c0-7800-8aa1-bbab2a035a53"} | MESSAGE
      {"type":"turn.started"} | ''
      {"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Plan**"}} | ''
      {"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"Hi"}} | MESSAGE,USAGE
      {"type":"item.completed","item":{"id":"item_1","item_type":"assistant_message","text":"Hi"}} | MESSAGE,USAGE
      {"type":"item.started","item":{"id":"item_2","type":"command_execution","command":"bash -lc ls","aggregated_output":"","exit_code":null,"status":"in_progress"}} | TOOL_CALL
      {"type":"item.completed","item":{"id":"item_3","type":"file_change","changes":[{"path":"a.txt","kind":"add"},{"path":"b.txt","kind":"update"}],"status":"completed"}} | FILE_CHANGE,FILE_CHANGE
      {"type":"item.started","item":{"id":"item_3","type":"file_change","changes":[{"path":"a.txt","kind":"add"}],"status":"in_progress"}} | ''
      {"type":"item.updated","item":{"id":"item_4","type":"todo_list","items":[{"text":"a","completed":false}]}} | ''
      {"type":"item.completed","item":{"id":"item_5","type":"web_search","query":"x"}} | RAW
      {"type":"item.completed","item":{"id":"item_6","type":"error","message":"model warning"}} | ERROR
      {"type":"turn.completed","usage":{"input_tokens":24763,"cached_input_tokens":24448,"output_tokens":122}} | USAGE
      {"type":"turn.failed","error":{"message":"stream disconnected"}} | ERROR
      {"type":"error","message":"Reconnecting... 1/5"} | ERROR
      {"type":"session.configured"} | RAW
      """)
  void mapsEachLineToItsEvents(String line, String kinds) {
    List<DroidEvent> events = parser().parse(line);
    assertThat(events).extracting(e -> e.getKindCase().name())
        .containsExactlyElementsOf(kinds.isEmpty() ? List.of() : List.of(kinds.split(",")));
  }

  @Test
  void sumsTurnUsagesCountsAFileChangeOnceAndCompletesWithTheLastMessageAtTheEnd() {
    CodexStreamParser p = parser();
    List<DroidEvent> events = new ArrayList<>();
    for (String line : List.of(
        "{\"type\":\"thread.started\",\"thread_id\":\"th-1\"}",
        "{\"type\":\"turn.started\"}",
        "{\"type\":\"item.started\",\"item\":{\"id\":\"item_1\",\"type\":\"command_execution\",\"command\":\"npm test\",\"aggregated_output\":\"\",\"exit_code\":null,\"status\":\"in_progress\"}}",
        "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_1\",\"type\":\"command_execution\",\"command\":\"npm test\",\"aggregated_output\":\"1 failed\",\"exit_code\":1,\"status\":\"failed\"}}",
        "{\"type\":\"item.started\",\"item\":{\"id\":\"item_2\",\"type\":\"file_change\",\"changes\":[{\"path\":\"" + workspace + "/src/a.js\",\"kind\":\"update\"}],\"status\":\"in_progress\"}}",
        "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_2\",\"type\":\"file_change\",\"changes\":[{\"path\":\"" + workspace + "/src/a.js\",\"kind\":\"update\"}],\"status\":\"completed\"}}",
        "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_3\",\"type\":\"agent_message\",\"text\":\"first\"}}",
        "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1000,\"cached_input_tokens\":400,\"output_tokens\":100}}",
        "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_4\",\"type\":\"agent_message\",\"text\":\"Fixed the test.\"}}",
        "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":2000,\"cached_input_tokens\":1000,\"output_tokens\":50}}")) {
      events.addAll(p.parse(line));
    }
    assertThat(p.completion()).isEmpty();
    events.addAll(p.endOfStream());

    assertThat(events).filteredOn(DroidEvent::hasFileChange).singleElement().satisfies(e -> {
      assertThat(e.getFileChange().getPath()).isEqualTo("src/a.js");
      assertThat(e.getFileChange().getChange()).isEqualTo("modify");
    });
    assertThat(events).filteredOn(DroidEvent::hasToolCall).singleElement()
        .satisfies(e -> assertThat(e.getToolCall().getInput()).contains("npm test"));
    assertThat(events).filteredOn(DroidEvent::hasToolResult).singleElement().satisfies(e -> {
      assertThat(e.getToolResult().getId()).isEqualTo("item_1");
      assertThat(e.getToolResult().getIsError()).isTrue();
    });
    assertThat(p.usage().getInputTokens()).isEqualTo(600 + 1000);
    assertThat(p.usage().getCacheReadTokens()).isEqualTo(1400);
    assertThat(p.usage().getOutputTokens()).isEqualTo(150);
    assertThat(p.usage().getTurns()).isEqualTo(2);
    assertThat(p.usage().getCostUsd()).isEqualTo((1600 * 1.25 + 150 * 10 + 1400 * 0.125) / 1e6);
    assertThat(p.usage().getCostEstimated()).isTrue();
    assertThat(events.get(events.size() - 1).getCompletion()).satisfies(c -> {
      assertThat(c.getSessionId()).isEqualTo("th-1");
      assertThat(c.getResult()).isEqualTo("Fixed the test.");
      assertThat(c.getIsError()).isFalse();
    });
  }

  @Test
  void aFailedTurnCompletesWithTheErrorAndAStreamWithoutTurnsWithNothing() {
    CodexStreamParser failed = parser();
    failed.parse("{\"type\":\"thread.started\",\"thread_id\":\"th-2\"}");
    failed.parse("{\"type\":\"turn.failed\",\"error\":{\"message\":\"quota exceeded\"}}");
    assertThat(failed.endOfStream()).singleElement().satisfies(e -> {
      assertThat(e.getCompletion().getIsError()).isTrue();
      assertThat(e.getCompletion().getResult()).isEqualTo("quota exceeded");
    });

    CodexStreamParser cut = parser();
    cut.parse("{\"type\":\"thread.started\",\"thread_id\":\"th-3\"}");
    cut.parse("{\"type\":\"turn.started\"}");
    assertThat(cut.endOfStream()).isEmpty();
    assertThat(cut.completion()).isEmpty();
    assertThat(cut.sessionId()).isEqualTo("th-3");
  }
}
