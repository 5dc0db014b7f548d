package dev.baton.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.v1.Usage;
import java.nio.file.Path;
import java.util.Set;

/**
 * Parses {@code droid exec -o stream-json}: a {@code system/init} line (session_id, model), then
 * {@code message} (role, text), {@code tool_call} (id, toolName, parameters) and
 * {@code tool_result} (id, value, isError) lines, and a final {@code completion} line (finalText,
 * numTurns, usage in tokens, no cost). A {@code tool_result} may lack its id: it answers the oldest
 * unanswered call. Cost is computed from tokens and the price table ({@code cost_estimated}).
 */
public final class FactoryDroidStreamParser extends AgentStreamParser {
  /** Factory's tools that write the file named by {@code file_path} (or {@code path}). */
  static final Set<String> EDIT_TOOLS = Set.of("Create", "Edit", "MultiEdit", "Write", "ApplyPatch");

  private String model = "";
  private int turns;
  private Usage tokens = Usage.getDefaultInstance();
  private boolean failed;
  private String lastError = "";

  public FactoryDroidStreamParser(PriceTable prices, Path workspace) {
    super(prices, workspace);
  }

  @Override
  protected boolean handle(String type, JsonNode event) {
    session(event.path("session_id").asText(""));
    switch (type) {
      case "system" -> {
        if (!"init".equals(event.path("subtype").asText())) {
          return false;
        }
        model = event.path("model").asText("");
        message("system", "session " + sessionId() + " started (model " + model + ", cwd "
            + event.path("cwd").asText("?") + ")");
      }
      case "message" -> {
        String role = event.path("role").asText("assistant");
        message(role, event.path("text").asText(""));
        if ("assistant".equals(role)) {
          turns++;
          publishUsage();
        }
      }
      case "reasoning" -> {} // the agent's own reasoning, not reported
      case "tool_call" -> {
        String name = event.path("toolName").asText(event.path("toolId").asText(""));
        JsonNode input = event.path("parameters");
        toolCall(event.path("id").asText(""), name, input, EDIT_TOOLS.contains(name)
            ? input.path("file_path").asText(input.path("path").asText("")) : null);
      }
      case "tool_result" -> toolResult(event.path("id").asText(""), text(event.path("value")),
          event.path("isError").asBoolean(false));
      case "error" -> {
        failed = true;
        lastError = event.path("message").asText(event.toString());
        error(lastError);
      }
      case "completion" -> {
        JsonNode usage = event.path("usage");
        if (usage.isObject()) {
          tokens = Usage.newBuilder()
              .setInputTokens(longAt(usage, "input_tokens"))
              .setOutputTokens(plus(longAt(usage, "output_tokens"), longAt(usage, "thinking_tokens")))
              .setCacheReadTokens(longAt(usage, "cache_read_input_tokens"))
              .setCacheWriteTokens(longAt(usage, "cache_creation_input_tokens"))
              .build();
        }
        if (event.path("numTurns").canConvertToInt()) {
          turns = Math.max(turns, event.path("numTurns").asInt());
        }
        publishUsage();
        complete(event.path("finalText").asText(""), failed);
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** Factory's Create makes a new file; its other edit tools change one. */
  @Override
  protected String changeOf(String tool, String output) {
    return "Create".equals(tool) ? "add" : "modify";
  }

  private void publishUsage() {
    usage(prices().estimate(tokens.toBuilder().setModel(model).setTurns(turns).build()));
  }
}
