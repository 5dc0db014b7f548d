package dev.baton.runtime.droid.definition;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.runtime.droid.definition.DroidDefinition.Format;
import dev.baton.v1.Budget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one droid definition file: Markdown with YAML frontmatter in Factory's
 * ({@code .factory/droids/*.md}) or Claude Code's ({@code .claude/agents/*.md}) format, plus Baton's
 * fields ({@code runner}, {@code expertise}, {@code budget}, {@code autonomy}).
 *
 * <p>Strict on purpose: a definition drives an agent with real tools, so a misspelt
 * {@code disallowedTools} must not silently grant everything. Every refusal is a
 * {@link DroidDefinitionException} naming file, line and field with the fix.
 */
public final class DroidDefinitionParser {
  /** Files larger than this are refused before they are read; real definitions are a few KiB. */
  public static final int MAX_BYTES = 256 * 1024;

  static final List<String> EFFORTS = List.of("low", "medium", "high");
  static final List<String> PERMISSION_MODES = List.of("default", "acceptEdits", "bypassPermissions", "plan");
  static final List<String> AUTO_LEVELS = List.of("low", "medium", "high");
  static final List<String> SANDBOXES = List.of("read-only", "workspace-write", "danger-full-access");
  static final List<String> BUDGET_FIELDS = List.of("usd", "tokens", "turns", "wall");

  private enum Owner { BOTH, FACTORY, CLAUDE, BATON }

  /** Every field the frontmatter may hold, in the order messages list them. */
  private static final Map<String, Owner> FIELDS = fields();

  private DroidDefinitionParser() {}

  private static Map<String, Owner> fields() {
    Map<String, Owner> m = new LinkedHashMap<>();
    m.put("name", Owner.BOTH);
    m.put("description", Owner.BOTH);
    m.put("model", Owner.BOTH);
    m.put("tools", Owner.BOTH);
    m.put("reasoningEffort", Owner.FACTORY);
    m.put("disallowedTools", Owner.CLAUDE);
    m.put("permissionMode", Owner.CLAUDE);
    m.put("maxTurns", Owner.CLAUDE);
    // Claude Code's /agents editor writes a display colour; it means nothing to Baton.
    m.put("color", Owner.CLAUDE);
    m.put("runner", Owner.BATON);
    m.put("expertise", Owner.BATON);
    m.put("budget", Owner.BATON);
    m.put("autonomy", Owner.BATON);
    return m;
  }

  /** The format a file's directory implies: FACTORY under {@code .factory/droids}, CLAUDE under {@code .claude/agents}. */
  public static Optional<Format> formatOf(Path file) {
    Path dir = file.toAbsolutePath().normalize().getParent();
    if (dir == null || dir.getParent() == null || dir.getParent().getFileName() == null) {
      return Optional.empty();
    }
    String parent = dir.getParent().getFileName().toString();
    String name = dir.getFileName().toString();
    if (parent.equals(".factory") && name.equals("droids")) {
      return Optional.of(Format.FACTORY);
    }
    if (parent.equals(".claude") && name.equals("agents")) {
      return Optional.of(Format.CLAUDE);
    }
    return Optional.empty();
  }

  /** Reads and parses {@code file}; its directory decides the format, else its fields do. */
  public static DroidDefinition parse(Path file) {
    String display = file.toString();
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new DroidDefinitionException(display, 0, "", String.format(Locale.ROOT,
            "%.1f KiB (expected: at most %d KiB; a definition is a prompt, not a document store)",
            size / 1024.0, MAX_BYTES / 1024));
      }
      return parse(display, decode(display, Files.readAllBytes(file)), formatOf(file).orElse(null));
    } catch (IOException e) {
      throw new DroidDefinitionException(display, 0, "", "cannot read: " + e, e);
    }
  }

  static String decode(String display, byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      throw new DroidDefinitionException(display, 0, "", String.format(Locale.ROOT,
          "%.1f KiB (expected: at most %d KiB)", bytes.length / 1024.0, MAX_BYTES / 1024));
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new DroidDefinitionException(display, 0, "", "not UTF-8 text (expected: a Markdown file in UTF-8)", e);
    }
  }

  /**
   * Parses a definition's text.
   *
   * @param source where it came from, used in messages and kept as {@link DroidDefinition#source()}
   * @param format the format its location implies, or null to decide by the fields present
   */
  public static DroidDefinition parse(String source, String text, Format format) {
    if (text.length() > MAX_BYTES) {
      throw new DroidDefinitionException(source, 0, "",
          text.length() / 1024 + " KiB (expected: at most " + MAX_BYTES / 1024 + " KiB)");
    }
    Frontmatter fm = Frontmatter.read(source, text);
    Format actual = format != null && format != Format.BUILT_IN ? format : detect(fm);
    checkFields(fm, actual, format != null);
    return new FieldReader(fm, actual).definition();
  }

  /** By the fields present: the first field only one format has decides; Factory when none does. */
  private static Format detect(Frontmatter fm) {
    for (String key : fm.fields.keySet()) {
      Owner owner = FIELDS.get(key);
      if (owner == Owner.CLAUDE) {
        return Format.CLAUDE;
      }
      if (owner == Owner.FACTORY) {
        return Format.FACTORY;
      }
    }
    return Format.FACTORY;
  }

  private static void checkFields(Frontmatter fm, Format format, boolean byDirectory) {
    for (String key : fm.fields.keySet()) {
      Owner owner = FIELDS.get(key);
      if (owner == null) {
        List<String> known = known(format);
        String hint = Values.closest(key, new ArrayList<>(FIELDS.keySet()));
        throw fm.fail(key, "unknown field (expected one of: " + String.join(", ", known) + ")"
            + (hint == null ? "" : "; did you mean '" + hint + "'?"));
      }
      Owner other = format == Format.FACTORY ? Owner.CLAUDE : Owner.FACTORY;
      if (owner == other) {
        String where = byDirectory
            ? " in a " + label(format) + " file (" + directory(format) + ")"
            : " in a file whose other fields are " + label(format) + "'s";
        throw fm.fail(key, "a " + label(owner == Owner.CLAUDE ? Format.CLAUDE : Format.FACTORY) + " field" + where
            + " (expected: " + label(format) + "'s fields " + String.join(", ", known(format))
            + "; move the file to " + directory(owner == Owner.CLAUDE ? Format.CLAUDE : Format.FACTORY)
            + " or remove " + key + ")");
      }
    }
  }

  private static List<String> known(Format format) {
    Owner mine = format == Format.CLAUDE ? Owner.CLAUDE : Owner.FACTORY;
    return FIELDS.entrySet().stream()
        .filter(e -> e.getValue() == Owner.BOTH || e.getValue() == mine || e.getValue() == Owner.BATON)
        .map(Map.Entry::getKey).toList();
  }

  static String label(Format format) {
    return format == Format.CLAUDE ? "Claude Code" : "Factory";
  }

  static String directory(Format format) {
    return format == Format.CLAUDE ? ".claude/agents" : ".factory/droids";
  }

  /** Turns checked fields into a definition, one method per field. */
  private static final class FieldReader {
    private final Frontmatter fm;
    private final Format format;

    FieldReader(Frontmatter fm, Format format) {
      this.fm = fm;
      this.format = format;
    }

    DroidDefinition definition() {
      String name = name();
      String description = text("description", format == Format.CLAUDE,
          "one or two sentences on when to use this droid");
      if (description.length() > DroidDefinition.MAX_DESCRIPTION) {
        throw fm.fail("description", description.length() + " characters (expected: at most "
            + DroidDefinition.MAX_DESCRIPTION + ")");
      }
      String model = model();
      String effort = word("reasoningEffort", EFFORTS);
      List<String> tools = tools();
      List<String> disallowed = commaList("disallowedTools");
      String permissionMode = word("permissionMode", PERMISSION_MODES);
      int maxTurns = maxTurns();
      if (fm.fields.containsKey("color")) {
        text("color", false, "a colour name");
      }
      String runner = word("runner", DroidDefinition.RUNNERS.stream().sorted().toList());
      List<String> expertise = expertise();
      Budget budget = budget();
      String autonomy = autonomy(runner);
      String prompt = fm.body.strip();
      if (prompt.isEmpty()) {
        throw new DroidDefinitionException(fm.file, fm.bodyLine, "body",
            "empty (expected: the droid's system prompt after the closing '---')");
      }
      try {
        return new DroidDefinition(name, description, runner, model, effort, tools, disallowed, permissionMode,
            autonomy, maxTurns, expertise, budget, prompt, fm.file, format);
      } catch (IllegalArgumentException e) {
        // The checks above should have caught it; keep the file in the message if they did not.
        throw new DroidDefinitionException(fm.file, fm.openingLine, "", e.getMessage(), e);
      }
    }

    private JsonNode present(String field) {
      JsonNode node = fm.fields.get(field);
      return node == null || node.isNull() ? null : node;
    }

    private String name() {
      JsonNode node = present("name");
      if (node == null) {
        throw fm.fail("name", "missing (expected: 'name: my-droid', lowercase letters, digits, '-' and '_')");
      }
      String name = node.isTextual() || node.isNumber() ? node.asText() : null;
      if (name == null || !name.matches("[a-z0-9_-]{1,64}")) {
        String slug = node.isValueNode() ? node.asText().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "-")
            .replaceAll("^-+|-+$", "") : "";
        throw fm.fail("name", Values.describe(node) + " (expected: 1 to 64 lowercase letters, digits, '-' and '_'"
            + (slug.isEmpty() || slug.length() > 64 ? "" : ", e.g. " + slug) + ")");
      }
      return name;
    }

    private String text(String field, boolean required, String expected) {
      JsonNode node = present(field);
      if (node == null) {
        if (required) {
          throw fm.fail(field, "missing (expected: " + expected + "; " + label(format) + " requires it)");
        }
        return "";
      }
      if (!node.isTextual()) {
        throw fm.fail(field, Values.describe(node) + " (expected: text, " + expected + ")");
      }
      return node.asText().strip();
    }

    private String model() {
      String model = text("model", false, "inherit or a model id");
      if (!model.isEmpty() && !model.matches("[A-Za-z0-9._:/@\\[\\]-]+")) {
        throw fm.fail("model", "'" + Values.abbreviate(model)
            + "' (expected: inherit or a model id such as claude-sonnet-4-5, without spaces)");
      }
      return model;
    }

    private String word(String field, List<String> allowed) {
      String value = text(field, false, "one of " + String.join(", ", allowed));
      if (!value.isEmpty() && !allowed.contains(value)) {
        throw fm.fail(field, "'" + Values.abbreviate(value) + "' (expected: one of " + String.join(", ", allowed) + ")");
      }
      return value;
    }

    private List<String> tools() {
      JsonNode node = present("tools");
      if (node == null) {
        return List.of();
      }
      if (format == Format.CLAUDE) {
        if (node.isArray()) {
          throw fm.fail("tools", "a list (expected in Claude Code's format: a comma-separated string such as"
              + " 'Read, Grep, Glob'; lists are Factory's format)");
        }
        return commaList("tools");
      }
      if (node.isTextual()) {
        String category = node.asText().strip();
        if (!category.matches("[a-z][a-z-]*")) {
          throw fm.fail("tools", "'" + Values.abbreviate(category) + "' (expected in Factory's format: a category"
              + " such as read-only, or a list of tool names such as [Read, Grep]; a comma-separated string is"
              + " Claude Code's format)");
        }
        return List.of(category);
      }
      return stringList("tools", node, "a category such as read-only, or a list of tool names such as [Read, Grep]");
    }

    private List<String> commaList(String field) {
      JsonNode node = present(field);
      if (node == null) {
        return List.of();
      }
      if (!node.isTextual()) {
        throw fm.fail(field, Values.describe(node) + " (expected: a comma-separated string such as 'Read, Grep')");
      }
      List<String> out = new ArrayList<>();
      for (String part : node.asText().split(",")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
      return out;
    }

    private List<String> stringList(String field, JsonNode node, String expected) {
      if (!node.isArray()) {
        throw fm.fail(field, Values.describe(node) + " (expected: " + expected + ")");
      }
      List<String> out = new ArrayList<>();
      for (JsonNode item : node) {
        if (!item.isTextual() || item.asText().isBlank()) {
          throw fm.fail(field, "item " + (out.size() + 1) + " is " + Values.describe(item)
              + " (expected: " + expected + ")");
        }
        out.add(item.asText().strip());
      }
      return out;
    }

    private int maxTurns() {
      JsonNode node = present("maxTurns");
      if (node == null) {
        return 0;
      }
      if (!node.isInt() || node.asInt() < 1) {
        throw fm.fail("maxTurns", Values.describe(node) + " (expected: a whole number >= 1)");
      }
      return node.asInt();
    }

    private List<String> expertise() {
      JsonNode node = present("expertise");
      if (node == null) {
        return List.of();
      }
      List<String> words = stringList("expertise", node,
          "a list of words or short phrases such as [api, openapi, rest design]");
      for (String w : words) {
        if (w.length() > 100) {
          throw fm.fail("expertise", "'" + Values.abbreviate(w) + "' is " + w.length()
              + " characters (expected: a word or short phrase of at most 100)");
        }
      }
      return words;
    }

    private Budget budget() {
      JsonNode node = present("budget");
      if (node == null) {
        return Budget.getDefaultInstance();
      }
      if (!node.isObject()) {
        throw fm.fail("budget", Values.describe(node) + " (expected: a mapping with any of usd, tokens, turns, wall,"
            + " e.g. {usd: 2.5, wall: 30m})");
      }
      Budget.Builder budget = Budget.newBuilder();
      var entries = node.fields();
      while (entries.hasNext()) {
        var e = entries.next();
        String path = "budget." + e.getKey();
        JsonNode v = e.getValue();
        switch (e.getKey()) {
          case "usd" -> {
            if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0) {
              throw fm.fail(path, Values.describe(v) + " (expected: US dollars >= 0, e.g. 2.5)");
            }
            budget.setUsd(v.asDouble());
          }
          case "tokens" -> budget.setTokens(count(path, v, "tokens, e.g. 200000"));
          case "turns" -> budget.setTurns((int) Math.min(Integer.MAX_VALUE, count(path, v, "agent turns, e.g. 40")));
          case "wall" -> {
            Duration d = v.isTextual() ? Values.duration(v.asText()) : null;
            if (d == null) {
              throw fm.fail(path, Values.describe(v) + " (expected: a positive duration like 90s, 30m or 1h30m,"
                  + " at most 1000h)");
            }
            budget.setWallMillis(d.toMillis());
          }
          default -> {
            String hint = Values.closest(e.getKey(), BUDGET_FIELDS);
            throw fm.fail(path, "unknown field (expected one of: " + String.join(", ", BUDGET_FIELDS) + ")"
                + (hint == null ? "" : "; did you mean '" + hint + "'?"));
          }
        }
      }
      return budget.build();
    }

    private long count(String path, JsonNode v, String expected) {
      if (!v.isIntegralNumber() || v.asLong() < 0) {
        throw fm.fail(path, Values.describe(v) + " (expected: a whole number >= 0 of " + expected + ")");
      }
      return v.asLong();
    }

    private String autonomy(String runner) {
      List<String> all = new ArrayList<>(AUTO_LEVELS);
      all.addAll(SANDBOXES);
      String autonomy = word("autonomy", all);
      if (runner.equals("codex") && AUTO_LEVELS.contains(autonomy)) {
        throw fm.fail("autonomy", "'" + autonomy + "' is a Factory --auto level but the runner is codex"
            + " (expected: a Codex sandbox: " + String.join(", ", SANDBOXES) + ")");
      }
      if (runner.equals("droid") && SANDBOXES.contains(autonomy)) {
        throw fm.fail("autonomy", "'" + autonomy + "' is a Codex sandbox but the runner is droid"
            + " (expected: a Factory --auto level: " + String.join(", ", AUTO_LEVELS) + ")");
      }
      return autonomy;
    }
  }
}
