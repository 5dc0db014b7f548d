package dev.baton.runtime.agent;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.v1.DroidCompletion;
import dev.baton.v1.DroidError;
import dev.baton.v1.DroidEvent;
import dev.baton.v1.DroidFileChange;
import dev.baton.v1.DroidMessage;
import dev.baton.v1.DroidRawEvent;
import dev.baton.v1.DroidToolCall;
import dev.baton.v1.DroidToolResult;
import dev.baton.v1.Usage;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns one agent CLI's stdout, a JSON object per line, into {@code DroidEvent}s. One subclass per
 * CLI; an instance parses one run and is not thread-safe (the runner feeds it from one thread).
 *
 * <p>Parsing is defensive: a line that is not JSON, or an event type the parser does not know,
 * becomes a {@code raw} event (bounded to 4 KiB) and never an exception, since a newer CLI must
 * not break a run. The parser keeps the run's usage as a running total and emits a {@code usage}
 * event whenever it changes; the events carry no index or time (the caller assigns them).
 */
public abstract class AgentStreamParser {
  /** Jackson bounded so that a hostile or broken line cannot exhaust memory or the stack. */
  static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxStringLength(8 * 1024 * 1024)
                      .maxNestingDepth(100)
                      .maxNumberLength(64)
                      .maxDocumentLength(16L * 1024 * 1024)
                      .build())
              .build());

  private final PriceTable prices;
  private final Path workspace;
  // Tool calls not answered yet, oldest first: a result without an id answers the oldest.
  private final Deque<String> pendingCalls = new ArrayDeque<>();
  // Edit tool calls not answered yet: key -> {tool, path}.
  private final Map<String, String[]> pendingEdits = new HashMap<>();
  private final List<DroidEvent> out = new ArrayList<>();
  private Usage usage = Usage.getDefaultInstance();
  private String sessionId = "";
  private DroidCompletion completion;
  private String lastError = "";
  private int anonymousCalls;

  /**
   * @param prices prices tokens for runners (or moments) without a reported cost
   * @param workspace the run's directory, to make the paths of changed files relative; null:
   *     paths are kept as the agent gave them
   */
  protected AgentStreamParser(PriceTable prices, Path workspace) {
    this.prices = Objects.requireNonNull(prices, "prices");
    this.workspace = workspace == null ? null : workspace.toAbsolutePath().normalize();
  }

  /** The events of one stdout line (without its line break); never throws. */
  public final List<DroidEvent> parse(String line) {
    out.clear();
    if (line == null || line.isBlank()) {
      return List.of();
    }
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (Exception e) { // not JSON, or past the read constraints
      raw("invalid-json", line);
      return List.copyOf(out);
    }
    if (node == null || !node.isObject()) {
      raw("not-an-object", line);
      return List.copyOf(out);
    }
    try {
      if (!handle(node.path("type").asText(""), node)) {
        raw(node.path("type").asText(""), line);
      }
    } catch (RuntimeException e) { // a shape we did not expect: keep the line rather than fail the run
      out.clear();
      raw(node.path("type").asText(""), line);
    }
    return List.copyOf(out);
  }

  /** Events owed once stdout has ended (codex has no final line: its completion comes here). */
  public final List<DroidEvent> endOfStream() {
    out.clear();
    try {
      finish();
    } catch (RuntimeException e) {
      error("could not finish parsing the stream: " + e);
    }
    return List.copyOf(out);
  }

  /** The run's usage so far (a running total). */
  public final Usage usage() {
    return usage;
  }

  /** The agent session, once the CLI has named it; else empty. */
  public final String sessionId() {
    return sessionId;
  }

  /** The completion, once the run's final event has been parsed. */
  public final Optional<DroidCompletion> completion() {
    return Optional.ofNullable(completion);
  }

  /** The message of the last error event, else empty. */
  public final String lastError() {
    return lastError;
  }

  /** Handles one parsed line; false: the type is unknown (it is then kept raw). */
  protected abstract boolean handle(String type, JsonNode event);

  /** Called at the end of stdout; emits what only the end decides. */
  protected void finish() {}

  // ---- what subclasses emit ----

  protected final PriceTable prices() {
    return prices;
  }

  protected final void session(String id) {
    if (id != null && !id.isBlank()) {
      sessionId = id;
    }
  }

  protected final void message(String role, String text) {
    emit(DroidEvent.newBuilder().setMessage(
        DroidMessage.newBuilder().setRole(role).setText(Bounds.text(text))).build());
  }

  /** A tool call; an empty id gets none (results are then matched in order). */
  protected final void toolCall(String id, String name, JsonNode input) {
    toolCall(id, name, input, null);
  }

  /**
   * A tool call that writes {@code editedPath}: its file change is reported when the tool's result
   * says it succeeded (a failed edit changes nothing), as {@link #changeOf} tells.
   */
  protected final void toolCall(String id, String name, JsonNode input, String editedPath) {
    String inputText = input == null || input.isMissingNode() || input.isNull() ? "{}" : input.toString();
    String key = id == null || id.isEmpty() ? "#anonymous-" + (++anonymousCalls) : id;
    pendingCalls.addLast(key);
    if (editedPath != null && !editedPath.isBlank()) {
      pendingEdits.put(key, new String[] {name == null ? "" : name, editedPath});
    }
    emit(DroidEvent.newBuilder().setToolCall(
        DroidToolCall.newBuilder().setId(id == null ? "" : id).setName(name == null ? "" : name)
            .setInput(Bounds.text(inputText))).build());
  }

  /** A tool's answer; without an id it answers the oldest call not yet answered. */
  protected final void toolResult(String id, String output, boolean isError) {
    String key = id == null ? "" : id;
    if (key.isEmpty()) {
      String oldest = pendingCalls.pollFirst();
      key = oldest == null ? "" : oldest;
    } else {
      pendingCalls.remove(key);
    }
    String resolved = key.startsWith("#anonymous-") ? "" : key;
    emit(DroidEvent.newBuilder().setToolResult(
        DroidToolResult.newBuilder().setId(resolved).setOutput(Bounds.text(output)).setIsError(isError)).build());
    String[] edit = pendingEdits.remove(key);
    if (edit != null && !isError) {
      fileChange(edit[1], changeOf(edit[0], output));
    }
  }

  /** How a successful edit tool changed its file: add | modify. Default: modify. */
  protected String changeOf(String tool, String output) {
    return "modify";
  }

  /** A changed file; {@code change} is add | modify | delete | rename. */
  protected final void fileChange(String path, String change) {
    if (path == null || path.isBlank()) {
      return;
    }
    emit(DroidEvent.newBuilder().setFileChange(
        DroidFileChange.newBuilder().setPath(relative(path)).setChange(change)).build());
  }

  protected final void error(String message) {
    lastError = message == null ? "" : message;
    emit(DroidEvent.newBuilder().setError(DroidError.newBuilder().setMessage(Bounds.text(message))).build());
  }

  /** Sets the running usage, emitting a usage event when it changed. */
  protected final void usage(Usage newUsage) {
    if (!newUsage.equals(usage)) {
      usage = newUsage;
      emit(DroidEvent.newBuilder().setUsage(newUsage).build());
    }
  }

  /** Ends the run: the completion event, carrying the session, the final text and the usage. */
  protected final void complete(String result, boolean isError) {
    completion = DroidCompletion.newBuilder().setSessionId(sessionId).setResult(Bounds.text(result))
        .setIsError(isError).setUsage(usage).build();
    emit(DroidEvent.newBuilder().setCompletion(completion).build());
  }

  protected final void raw(String type, String json) {
    emit(DroidEvent.newBuilder().setRaw(
        DroidRawEvent.newBuilder().setType(Bounds.cut(type, 256)).setJson(Bounds.cut(json, Bounds.RAW_BYTES))).build());
  }

  protected final void emit(DroidEvent event) {
    out.add(event);
  }

  // ---- helpers ----

  /** A node's text: strings as they are, arrays of content blocks joined, anything else as JSON. */
  protected static String text(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return "";
    }
    if (node.isTextual()) {
      return node.asText();
    }
    if (node.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode block : node) {
        String part = block.isTextual() ? block.asText()
            : block.has("text") ? block.path("text").asText() : block.toString();
        if (!part.isEmpty()) {
          if (sb.length() > 0) {
            sb.append('\n');
          }
          sb.append(part);
        }
        if (sb.length() > 4 * Bounds.TEXT_BYTES) {
          break;
        }
      }
      return sb.toString();
    }
    return node.toString();
  }

  protected static long longAt(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.canConvertToLong() ? Math.max(0, value.asLong()) : 0;
  }

  /**
   * {@code a + b} for token counts, at most {@link Long#MAX_VALUE}: counts come from the agent's
   * output, and an overflow would make a usage negative, which budgets would read as credit
   * (found by {@code AgentStreamFuzzTest}).
   */
  protected static long plus(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
  }

  private String relative(String path) {
    if (workspace == null) {
      return path;
    }
    try {
      Path p = Path.of(path);
      if (p.isAbsolute()) {
        Path normal = p.normalize();
        return normal.startsWith(workspace) ? workspace.relativize(normal).toString() : path;
      }
      return p.normalize().toString();
    } catch (RuntimeException invalid) {
      return path;
    }
  }
}
