package dev.baton.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.v1.Usage;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Parses {@code codex exec --json}: {@code thread.started} (thread_id: the session to resume),
 * {@code turn.started}, {@code item.started|updated|completed} with items typed agent_message,
 * reasoning, command_execution, file_change, mcp_tool_call, web_search, todo_list and error,
 * {@code turn.completed} with the turn's usage (input_tokens including cached_input_tokens,
 * output_tokens), {@code turn.failed} and {@code error}.
 *
 * <p>Codex prints no final result line and no cost: the completion is made at the end of stdout
 * from the last agent_message once a turn completed or failed (none: no completion), and cost is computed
 * from tokens and the price table. A file_change counts once, on item.completed. The item's type
 * is {@code type} in current codex and {@code item_type} in the first releases of --json; both
 * are read.
 */
public final class CodexStreamParser extends AgentStreamParser {
  private final String model;
  // Items whose tool call was already emitted on item.started.
  private final Set<String> started = new HashSet<>();
  private Usage tokens = Usage.getDefaultInstance();
  private int turns;
  private int turnsCompleted;
  private boolean failed;
  private String lastMessage = "";
  private String lastError = "";

  /** @param model the model passed with {@code -m} (codex does not report it), for prices */
  public CodexStreamParser(PriceTable prices, Path workspace, String model) {
    super(prices, workspace);
    this.model = model == null ? "" : model;
  }

  @Override
  protected boolean handle(String type, JsonNode event) {
    switch (type) {
      case "thread.started" -> {
        session(event.path("thread_id").asText(""));
        message("system", "thread " + sessionId() + " started");
      }
      case "turn.started" -> {}
      case "item.started", "item.updated", "item.completed" -> {
        return item(type, event.path("item"));
      }
      case "turn.completed" -> {
        JsonNode u = event.path("usage");
        long cached = longAt(u, "cached_input_tokens");
        tokens = tokens.toBuilder()
            .setInputTokens(plus(tokens.getInputTokens(), Math.max(0, longAt(u, "input_tokens") - cached)))
            .setCacheReadTokens(plus(tokens.getCacheReadTokens(), cached))
            .setOutputTokens(plus(tokens.getOutputTokens(), longAt(u, "output_tokens")))
            .build();
        turnsCompleted++;
        publishUsage();
      }
      case "turn.failed" -> {
        failed = true;
        lastError = event.path("error").path("message").asText("turn failed");
        error(lastError);
      }
      case "error" -> {
        lastError = event.path("message").asText(event.toString());
        error(lastError);
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  private boolean item(String phase, JsonNode item) {
    String id = item.path("id").asText("");
    String kind = item.path("type").asText(item.path("item_type").asText(""));
    boolean completed = "item.completed".equals(phase);
    switch (kind) {
      case "agent_message", "assistant_message" -> {
        if (completed) {
          lastMessage = item.path("text").asText("");
          message("assistant", lastMessage);
          turns++;
          publishUsage();
        }
      }
      case "reasoning", "todo_list", "plan" -> {} // progress of the agent's own thinking
      case "command_execution" -> {
        callOnce(id, "shell", JSON.createObjectNode().put("command", item.path("command").asText("")));
        if (completed) {
          String status = item.path("status").asText("");
          JsonNode exit = item.path("exit_code");
          boolean isError = "failed".equals(status) || "declined".equals(status)
              || (exit.canConvertToInt() && exit.asInt() != 0);
          toolResult(id, item.path("aggregated_output").asText(""), isError);
        }
      }
      case "mcp_tool_call" -> {
        callOnce(id, item.path("server").asText("") + "." + item.path("tool").asText(""), item.path("arguments"));
        if (completed) {
          JsonNode error = item.path("error");
          boolean isError = "failed".equals(item.path("status").asText()) || (error.isObject() && error.size() > 0);
          toolResult(id, isError ? error.path("message").asText("failed") : text(item.path("result").path("content")),
              isError);
        }
      }
      case "file_change" -> {
        if (completed && !"failed".equals(item.path("status").asText())) {
          for (JsonNode change : item.path("changes")) {
            fileChange(change.path("path").asText(""), switch (change.path("kind").asText("update")) {
              case "add" -> "add";
              case "delete" -> "delete";
              default -> "modify";
            });
          }
        }
      }
      case "error" -> {
        if (completed) {
          error(item.path("message").asText(""));
        }
      }
      default -> {
        return !completed && !kind.isEmpty(); // kept raw once, when it completes
      }
    }
    return true;
  }

  private void callOnce(String id, String name, JsonNode input) {
    if (started.add(id)) {
      toolCall(id, name, input);
    }
  }

  @Override
  protected void finish() {
    if (completion().isPresent() || (turnsCompleted == 0 && !failed)) {
      return; // no turn ended: the runner reports a run without a completion
    }
    complete(failed && !lastError.isEmpty() ? lastError : lastMessage, failed);
  }

  private void publishUsage() {
    usage(prices().estimate(tokens.toBuilder().setModel(model).setTurns(turns).build()));
  }
}
