package dev.baton.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted droid's run: a list of steps replayed in order by {@link ScriptedRunner}. Written as
 * YAML or JSON, a list of one-key maps (the format is in docs/agents.md):
 * <pre>
 * - message: "Reading the spec"
 * - tool: {name: Read, input: {file_path: spec.md}, output: "..."}
 * - write: {path: src/a.js, content: "..."}
 * - append: {path: src/a.js, content: "..."}
 * - delete: src/old.js
 * - usage: {input: 1200, output: 300}
 * - sleep: 50ms
 * - fail: "reason"          # or hang: true, exit: 1
 * - result: "done"
 * </pre>
 */
public record ScriptedScenario(String source, List<Step> steps) {

  public ScriptedScenario {
    Objects.requireNonNull(source, "source");
    steps = List.copyOf(steps);
  }

  /** One step of a scenario. */
  public sealed interface Step {}

  /** An agent (or user/system) message. */
  public record Message(String role, String text) implements Step {}

  /** A tool call and its result (events only: files change through write/append/delete). */
  public record Tool(String name, String input, String output, boolean isError) implements Step {}

  /** Writes {@code content} to {@code path} in the workspace (created or replaced). */
  public record Write(String path, String content) implements Step {}

  /** Appends {@code content} to {@code path} (created when missing). */
  public record Append(String path, String content) implements Step {}

  /** Deletes {@code path} from the workspace. */
  public record Delete(String path) implements Step {}

  /** Adds to the run's usage (each field a delta; the event carries the running total). */
  public record AddUsage(long input, long output, long cacheRead, long cacheWrite, double usd, int turns)
      implements Step {}

  /** Waits on the runner's scheduler (not a sleeping thread). */
  public record Sleep(Duration duration) implements Step {}

  /** Ends the run failed: an error event and a completion with is_error. */
  public record Fail(String reason) implements Step {}

  /** Never ends by itself: only a cancel, the wall budget or the deadline stop it. */
  public record Hang() implements Step {}

  /** Ends the run succeeded with this final text. */
  public record Result(String text) implements Step {}

  /** Ends the run like a process exiting with {@code code} and no completion. */
  public record Exit(int code) implements Step {}

  static final List<String> KINDS =
      List.of("message", "tool", "write", "append", "delete", "usage", "sleep", "fail", "hang", "result", "exit");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

  /** Reads a scenario file (.yaml, .yml or .json). */
  public static ScriptedScenario load(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read scenario " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses a scenario (YAML, of which JSON is a subset); {@code source} names it in messages. */
  public static ScriptedScenario parse(String text, String source) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("scenario " + source + ": not YAML or JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root != null && root.isObject() && root.has("steps")) {
      root = root.get("steps");
    }
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException("scenario " + source + ": expected a list of steps (or {steps: [...]})");
    }
    List<Step> steps = new ArrayList<>();
    int n = 0;
    for (JsonNode node : root) {
      n++;
      steps.add(step(node, source + " step " + n));
    }
    return new ScriptedScenario(source, steps);
  }

  private static Step step(JsonNode node, String where) {
    if (!node.isObject() || node.size() != 1) {
      throw new IllegalArgumentException(where + ": expected a map with one key, one of " + KINDS);
    }
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    Map.Entry<String, JsonNode> entry = it.next();
    JsonNode v = entry.getValue();
    return switch (entry.getKey()) {
      case "message" -> v.isObject()
          ? new Message(v.path("role").asText("assistant"), required(v, "text", where))
          : new Message("assistant", v.asText());
      case "tool" -> new Tool(required(v, "name", where),
          v.path("input").isMissingNode() ? "{}" : v.path("input").toString(),
          v.path("output").isTextual() ? v.path("output").asText() : v.path("output").isMissingNode() ? "" : v.path("output").toString(),
          v.path("error").asBoolean(false));
      case "write" -> new Write(required(v, "path", where), v.path("content").asText(""));
      case "append" -> new Append(required(v, "path", where), v.path("content").asText(""));
      case "delete" -> new Delete(v.isObject() ? required(v, "path", where) : nonEmpty(v.asText(), where));
      case "usage" -> usage(v, where);
      case "sleep" -> new Sleep(duration(v, where));
      case "fail" -> new Fail(v.asText("failed"));
      case "hang" -> new Hang();
      case "result" -> new Result(v.asText(""));
      case "exit" -> new Exit(v.isBoolean() ? 0 : v.asInt(0));
      default -> throw new IllegalArgumentException(where + ": unknown step '" + entry.getKey()
          + "' (expected one of: " + String.join(", ", KINDS) + ")");
    };
  }

  private static AddUsage usage(JsonNode v, String where) {
    if (!v.isObject()) {
      throw new IllegalArgumentException(where + ": usage expects a map {input, output, cacheRead, cacheWrite, usd, turns}");
    }
    for (Iterator<String> names = v.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!List.of("input", "output", "cacheRead", "cacheWrite", "usd", "turns").contains(name)) {
        throw new IllegalArgumentException(where + ": usage." + name
            + " (expected one of: input, output, cacheRead, cacheWrite, usd, turns)");
      }
    }
    AddUsage u = new AddUsage(v.path("input").asLong(0), v.path("output").asLong(0), v.path("cacheRead").asLong(0),
        v.path("cacheWrite").asLong(0), v.path("usd").asDouble(0), v.path("turns").asInt(0));
    if (u.input() < 0 || u.output() < 0 || u.cacheRead() < 0 || u.cacheWrite() < 0 || u.usd() < 0 || u.turns() < 0) {
      throw new IllegalArgumentException(where + ": usage " + v + " (expected: no negative values)");
    }
    return u;
  }

  static Duration duration(JsonNode v, String where) {
    if (v.isNumber()) {
      return Duration.ofMillis(v.asLong());
    }
    Matcher m = DURATION.matcher(v.asText("").strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(where + ": sleep '" + v.asText() + "' (expected: 50ms, 2s, 1m, 1h or millis)");
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    double millis = switch (unit) {
      case "s" -> amount * 1000;
      case "m" -> amount * 60_000;
      case "h" -> amount * 3_600_000;
      default -> amount;
    };
    return Duration.ofMillis(Math.round(millis));
  }

  private static String required(JsonNode v, String field, String where) {
    JsonNode value = v.path(field);
    if (!value.isValueNode() || value.asText().isEmpty()) {
      throw new IllegalArgumentException(where + ": missing '" + field + "'");
    }
    return value.asText();
  }

  private static String nonEmpty(String value, String where) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(where + ": delete needs a path");
    }
    return value;
  }

  /** What a scripted droid does when no scenario is found: writes a note and succeeds. */
  static ScriptedScenario defaultFor(String taskId, String description) {
    String note = "notes/" + taskId + ".md";
    return new ScriptedScenario("default scenario", List.of(
        new Message("assistant", "Scripted droid working on " + taskId),
        new Write(note, "# " + taskId + "\n\n" + description + "\n"),
        new AddUsage(1000, 200, 0, 0, 0, 0),
        new Result("wrote " + note)));
  }
}
