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

class FactoryDroidStreamParserTest {
  private static final PriceTable PRICES = new PriceTable(Map.of(
      "glm-4.6", new PriceTable.Price(1, 2, 0.5, 1), "default", new PriceTable.Price(10, 20, 1, 10)));

  @TempDir Path workspace;

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      {"type":"system","subtype":"init","cwd":"/w","session_id":"d-1","tools":["Read"],"model":"glm-4.6"} | MESSAGE
      {"type":"message","role":"user","id":"u1","text":"Task: x","timestamp":1,"session_id":"d-1"} | MESSAGE
      {"type":"message","role":"assistant","id":"a1","text":"On it","timestamp":1,"session_id":"d-1"} | MESSAGE,USAGE
      {"type":"tool_call","id":"c1","messageId":"m","toolId":"Read","toolName":"Read","parameters":{"file_path":"a"}} | TOOL_CALL
      {"type":"tool_call","id":"c2","toolName":"Create","parameters":{"file_path":"b.txt","content":"x"}} | TOOL_CALL
      {"type":"tool_result","id":"c1","toolId":"Read","isError":false,"value":"text"} | TOOL_RESULT
      {"type":"error","message":"boom","session_id":"d-1"} | ERROR
      {"type":"reasoning","id":"r","text":"hmm"} | ''
      {"type":"progress","what":"new in droid 9"} | RAW
      {"type":"completion","finalText":"done","numTurns":1,"durationMs":5,"session_id":"d-1","usage":{"input_tokens":1}} | USAGE,COMPLETION
      """)
  void mapsEachLineToItsEvents(String line, String kinds) {
    List<DroidEvent> events = new FactoryDroidStreamParser(PRICES, workspace).parse(line);
    assertThat(events).extracting(e -> e.getKindCase().name())
        .containsExactlyElementsOf(kinds.isEmpty() ? List.of() : List.of(kinds.split(",")));
  }

  @Test
  void matchesResultsWithoutIdsToCallsInOrderAndPricesTheTokensOfTheCompletion() {
    FactoryDroidStreamParser p = new FactoryDroidStreamParser(PRICES, workspace);
    List<DroidEvent> events = List.of(
        "{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"d-7\",\"model\":\"glm-4.6\",\"cwd\":\"/w\",\"tools\":[]}",
        "{\"type\":\"tool_call\",\"id\":\"c1\",\"toolName\":\"Read\",\"parameters\":{}}",
        "{\"type\":\"tool_call\",\"id\":\"c2\",\"toolName\":\"Grep\",\"parameters\":{}}",
        "{\"type\":\"tool_result\",\"toolId\":\"Read\",\"isError\":false,\"value\":\"first\"}",
        "{\"type\":\"tool_result\",\"toolId\":\"Grep\",\"isError\":true,\"value\":{\"error\":\"second\"}}",
        "{\"type\":\"message\",\"role\":\"assistant\",\"id\":\"a\",\"text\":\"Done.\"}",
        "{\"type\":\"completion\",\"finalText\":\"Done.\",\"numTurns\":2,\"durationMs\":9,\"session_id\":\"d-7\","
            + "\"usage\":{\"input_tokens\":1000000,\"output_tokens\":500000,\"cache_read_input_tokens\":2000000,\"cache_creation_input_tokens\":0}}")
        .stream().flatMap(l -> p.parse(l).stream()).toList();

    assertThat(events).filteredOn(DroidEvent::hasToolResult).extracting(e -> e.getToolResult().getId())
        .containsExactly("c1", "c2");
    assertThat(events).filteredOn(DroidEvent::hasToolResult).last()
        .satisfies(e -> assertThat(e.getToolResult().getOutput()).contains("second"));
    Usage usage = p.usage();
    assertThat(usage.getInputTokens()).isEqualTo(1_000_000);
    assertThat(usage.getTurns()).isEqualTo(2);
    assertThat(usage.getModel()).isEqualTo("glm-4.6");
    assertThat(usage.getCostEstimated()).isTrue();
    assertThat(usage.getCostUsd()).isEqualTo(1 * 1 + 0.5 * 2 + 2 * 0.5);
    assertThat(p.completion()).hasValueSatisfying(c -> {
      assertThat(c.getSessionId()).isEqualTo("d-7");
      assertThat(c.getResult()).isEqualTo("Done.");
      assertThat(c.getIsError()).isFalse();
      assertThat(c.getUsage()).isEqualTo(usage);
    });
  }

  @Test
  void anUnknownModelIsPricedByTheDefaultEntry() {
    FactoryDroidStreamParser p = new FactoryDroidStreamParser(PRICES, workspace);
    p.parse("{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s\",\"model\":\"mystery-1\"}");
    p.parse("{\"type\":\"completion\",\"finalText\":\"\",\"numTurns\":1,\"usage\":{\"input_tokens\":1000000,\"output_tokens\":0}}");
    assertThat(p.usage().getCostUsd()).isEqualTo(10.0);
  }

  @Test
  void anErrorLineMarksTheCompletionFailed() {
    FactoryDroidStreamParser p = new FactoryDroidStreamParser(PRICES, workspace);
    p.parse("{\"type\":\"error\",\"message\":\"insufficient permission\"}");
    p.parse("{\"type\":\"completion\",\"finalText\":\"gave up\",\"numTurns\":1}");
    assertThat(p.completion()).hasValueSatisfying(c -> assertThat(c.getIsError()).isTrue());
  }
}
