package dev.baton.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.v1.Usage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@code claude -p --output-format stream-json --verbose}: a {@code system/init} line, then
 * {@code assistant} lines (text and tool_use blocks, with the API call's usage) and {@code user}
 * lines (tool_result blocks), and a final {@code result} line with {@code is_error},
 * {@code result}, {@code num_turns}, {@code total_cost_usd} and the run's {@code usage}.
 *
 * <p>Until the result line, usage is the sum over distinct assistant message ids (one message may
 * span several lines, each repeating its usage) and its cost is estimated from the price table,
 * so a usd budget works during the run; the result line then replaces it with claude's own
 * figures ({@code cost_estimated=false}). Claude exits 0 even when the agent failed, so
 * {@code is_error} (or an {@code error_*} subtype) is what marks a failed run.
 */
public final class ClaudeStreamParser extends AgentStreamParser {
  /** Tools whose {@code file_path} input is a file the agent writes (reported once the tool succeeded). */
  static final Set<String> EDIT_TOOLS = Set.of("Write", "Edit", "MultiEdit", "NotebookEdit");

  // Message id -> its latest usage: claude repeats a message's usage on each of its lines.
  private final Map<String, Usage> perMessage = new LinkedHashMap<>();
  private String model = "";
  private int anonymousMessages;

  public ClaudeStreamParser(PriceTable prices, Path workspace) {
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
        message("system", "session " + sessionId() + " started (model " + model + ", "
            + event.path("tools").size() + " tools, cwd " + event.path("cwd").asText("?") + ")");
      }
      case "assistant" -> assistant(event.path("message"));
      case "user" -> user(event.path("message"));
      case "result" -> result(event);
      default -> {
        return false;
      }
    }
    return true;
  }

  private void assistant(JsonNode message) {
    JsonNode content = message.path("content");
    if (content.isTextual()) {
      message("assistant", content.asText());
    }
    for (JsonNode block : content) {
      switch (block.path("type").asText()) {
        case "text" -> message("assistant", block.path("text").asText(""));
        case "tool_use" -> {
          String name = block.path("name").asText("");
          JsonNode input = block.path("input");
          toolCall(block.path("id").asText(""), name, input, EDIT_TOOLS.contains(name)
              ? input.path("file_path").asText(input.path("notebook_path").asText("")) : null);
        }
        default -> {} // thinking, redacted_thinking: the agent's own reasoning, not reported
      }
    }
    if (message.has("model") && model.isEmpty()) {
      model = message.path("model").asText("");
    }
    String id = message.path("id").asText("");
    perMessage.put(id.isEmpty() ? "#" + (++anonymousMessages) : id, tokens(message.path("usage")));
    Usage.Builder total = Usage.newBuilder().setModel(model).setTurns(perMessage.size());
    for (Usage u : perMessage.values()) {
      total.setInputTokens(plus(total.getInputTokens(), u.getInputTokens()))
          .setOutputTokens(plus(total.getOutputTokens(), u.getOutputTokens()))
          .setCacheReadTokens(plus(total.getCacheReadTokens(), u.getCacheReadTokens()))
          .setCacheWriteTokens(plus(total.getCacheWriteTokens(), u.getCacheWriteTokens()));
    }
    usage(prices().estimate(total.build()));
  }

  /** Claude's Write answers "File created successfully at: ..." for a new file. */
  @Override
  protected String changeOf(String tool, String output) {
    return "Write".equals(tool) && output.startsWith("File created") ? "add" : "modify";
  }

  private void user(JsonNode message) {
    JsonNode content = message.path("content");
    if (content.isTextual()) {
      message("user", content.asText());
      return;
    }
    for (JsonNode block : content) {
      switch (block.path("type").asText()) {
        case "tool_result" -> toolResult(block.path("tool_use_id").asText(""), text(block.path("content")),
            block.path("is_error").asBoolean(false));
        case "text" -> message("user", block.path("text").asText(""));
        default -> {}
      }
    }
  }

  private void result(JsonNode event) {
    String subtype = event.path("subtype").asText("");
    boolean isError = event.path("is_error").asBoolean(false) || subtype.startsWith("error");
    Usage.Builder total = tokens(event.path("usage")).toBuilder();
    String finalModel = model;
    JsonNode modelUsage = event.path("modelUsage");
    if (finalModel.isEmpty() && modelUsage.isObject() && modelUsage.size() > 0) {
      finalModel = modelUsage.fieldNames().next();
    }
    total.setModel(finalModel)
        .setTurns(event.has("num_turns") ? Math.max(0, event.path("num_turns").asInt()) : perMessage.size());
    // A reported cost that is negative or not finite (1e400 reads as Infinity) would let a run
    // past its budget or stop every run after it: estimated instead (found by AgentStreamFuzzTest).
    double reported = event.path("total_cost_usd").asDouble(-1);
    if (event.path("total_cost_usd").isNumber() && Double.isFinite(reported) && reported >= 0) {
      total.setCostUsd(reported).setCostEstimated(false);
    } else {
      total.setCostUsd(prices().cost(total.build())).setCostEstimated(true);
    }
    usage(total.build());
    String result = event.path("result").asText("");
    if (isError) {
      error("claude ended with " + (subtype.isEmpty() ? "an error" : subtype)
          + (result.isEmpty() ? "" : ": " + result));
    }
    complete(result, isError);
  }

  private static Usage tokens(JsonNode usage) {
    return Usage.newBuilder()
        .setInputTokens(longAt(usage, "input_tokens"))
        .setOutputTokens(longAt(usage, "output_tokens"))
        .setCacheReadTokens(longAt(usage, "cache_read_input_tokens"))
        .setCacheWriteTokens(longAt(usage, "cache_creation_input_tokens"))
        .build();
  }
}
