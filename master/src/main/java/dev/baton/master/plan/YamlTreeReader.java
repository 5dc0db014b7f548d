package dev.baton.master.plan;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.baton.runtime.limits.BoundsException;
import dev.baton.runtime.limits.YamlCost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads untrusted YAML into a Jackson tree and records the line of every value.
 *
 * <p>Safety: the size is checked before parsing; SnakeYAML's {@code LoaderOptions} bound code
 * points, nesting and aliases; Jackson's stream constraints bound nesting and string length. Jackson's
 * streaming YAML parser does not expand aliases (it reports the anchor's name as a string), so this
 * reader expands them itself (anchors on lists and mappings; Jackson does not report anchors on
 * single values), sharing the anchored subtree rather than copying it, and counts both
 * the aliases to collections and the nodes they expand to: a "billion laughs" document is refused
 * after a few dozen aliases, long before anything grows.
 */
final class YamlTreeReader {
  /** SnakeYAML's own default for aliases to collections. */
  static final int MAX_ALIASES = 50;
  /** Nodes a document may expand to through aliases; a real plan has a few thousand. */
  static final long MAX_EXPANDED_NODES = 100_000;
  static final int MAX_DEPTH = 40;

  private static final String EXPECTED_DOCUMENT =
      "a YAML mapping with apiVersion: baton.dev/v1, kind: Plan, metadata and spec";

  private static final YAMLFactory FACTORY = factory();

  record Tree(JsonNode root, Places places) {}

  private YamlTreeReader() {}

  private static YAMLFactory factory() {
    org.yaml.snakeyaml.LoaderOptions loader = new org.yaml.snakeyaml.LoaderOptions();
    loader.setCodePointLimit(PlanCompiler.MAX_PLAN_BYTES);
    loader.setNestingDepthLimit(MAX_DEPTH);
    loader.setMaxAliasesForCollections(MAX_ALIASES);
    loader.setAllowRecursiveKeys(false);
    // Duplicate keys are refused by the tree builder below, which can name their path.
    loader.setAllowDuplicateKeys(true);
    return YAMLFactory.builder()
        .loaderOptions(loader)
        .streamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength(PlanCompiler.MAX_PLAN_BYTES)
                .maxNumberLength(30)
                .build())
        .build();
  }

  static Tree read(String yaml) {
    checkSize(yaml);
    try {
      // SnakeYAML's cost is quadratic in the longest run without a blank (see YamlCost).
      YamlCost.checkRuns("plan", yaml);
    } catch (BoundsException e) {
      throw new PlanException("", e.getMessage());
    }
    Places places = Places.recorder();
    try (JsonParser parser = FACTORY.createParser(yaml)) {
      JsonToken first = parser.nextToken();
      if (first == null || first == JsonToken.VALUE_NULL) {
        throw places.fail("", "the plan is empty (expected: " + EXPECTED_DOCUMENT + ")");
      }
      Builder builder = new Builder((YAMLParser) parser, places);
      JsonNode root = builder.value("", 0).node();
      if (!root.isObject()) {
        throw places.fail(
            "", "the document is " + describe(root) + ", not a mapping (expected: " + EXPECTED_DOCUMENT + ")");
      }
      if (parser.nextToken() != null) {
        throw new PlanException(
            "",
            "line " + parser.currentTokenLocation().getLineNr()
                + ": a second YAML document (expected: exactly one plan per file)");
      }
      return new Tree(root, places);
    } catch (JsonProcessingException e) {
      throw new PlanException("", "plan: not valid YAML" + syntaxProblem(e) + " (expected: " + EXPECTED_DOCUMENT + ")");
    } catch (IOException e) {
      throw new PlanException("", "plan: cannot read: " + oneLine(e.getMessage()));
    }
  }

  /** SnakeYAML's own problem and mark when there is one: shorter than its multi-line snippet. */
  private static String syntaxProblem(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
      Mark m = y.getProblemMark();
      String context = y.getContext() == null ? "" : " (" + oneLine(y.getContext())
          + (y.getContextMark() == null ? "" : " at line " + (y.getContextMark().getLine() + 1)) + ")";
      return " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ": "
          + oneLine(y.getProblem()) + context;
    }
    JsonLocation at = e.getLocation();
    String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr();
    return where + ": " + oneLine(e.getOriginalMessage());
  }

  private static void checkSize(String yaml) {
    // A char is at least one UTF-8 byte: skip the encoding when the text is certainly small enough.
    if (yaml.length() * 3L <= PlanCompiler.MAX_PLAN_BYTES) {
      return;
    }
    long bytes = yaml.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > PlanCompiler.MAX_PLAN_BYTES) {
      // Worded as every server words a bound (MessageBounds), so SubmitPlan and baton validate agree.
      throw new PlanException("", "plan: " + dev.baton.runtime.limits.MessageBounds.size(bytes) + " (expected: at most "
          + dev.baton.runtime.limits.MessageBounds.size(PlanCompiler.MAX_PLAN_BYTES) + ")");
    }
  }

  static String abbreviate(String s) {
    return dev.baton.runtime.text.Suggestions.abbreviate(s);
  }

  static String oneLine(String s) {
    return dev.baton.runtime.text.Suggestions.oneLine(s);
  }

  static String describe(JsonNode node) {
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isNull()) {
      return "empty";
    }
    if (node.isBoolean()) {
      return "a boolean " + node.asText();
    }
    if (node.isNumber()) {
      return "a number " + node.asText();
    }
    return "a string '" + abbreviate(node.asText()) + "'";
  }

  private record Built(JsonNode node, long size) {}

  /** Builds the tree token by token, recording lines and expanding aliases within budget. */
  private static final class Builder {
    private final YAMLParser parser;
    private final Places places;
    private final Map<String, Built> anchors = new HashMap<>();
    private int aliases;

    Builder(YAMLParser parser, Places places) {
      this.parser = parser;
      this.places = places;
    }

    Built value(String path, int depth) throws IOException {
      int line = parser.currentTokenLocation().getLineNr();
      places.record(path, line);
      if (depth > MAX_DEPTH) {
        throw places.fail(path, "nested deeper than " + MAX_DEPTH + " levels (expected: a plan)");
      }
      if (parser.isCurrentAlias()) {
        return alias(path);
      }
      String anchor = parser.getCurrentAnchor();
      Built built = switch (parser.currentToken()) {
        case START_OBJECT -> mapping(path, depth);
        case START_ARRAY -> sequence(path, depth);
        case VALUE_STRING -> new Built(JsonNodeFactory.instance.textNode(parser.getText()), 1);
        case VALUE_NUMBER_INT -> new Built(integer(), 1);
        case VALUE_NUMBER_FLOAT ->
            new Built(JsonNodeFactory.instance.numberNode(parser.getDoubleValue()), 1);
        case VALUE_TRUE, VALUE_FALSE ->
            new Built(JsonNodeFactory.instance.booleanNode(parser.getBooleanValue()), 1);
        case VALUE_NULL -> new Built(JsonNodeFactory.instance.nullNode(), 1);
        default -> throw places.fail(path, "unsupported YAML value (expected: text, numbers, lists, mappings)");
      };
      count(path, built.size());
      if (anchor != null) {
        anchors.put(anchor, built);
      }
      return built;
    }

    private JsonNode integer() throws IOException {
      return switch (parser.getNumberType()) {
        case INT -> JsonNodeFactory.instance.numberNode(parser.getIntValue());
        case LONG -> JsonNodeFactory.instance.numberNode(parser.getLongValue());
        default -> JsonNodeFactory.instance.numberNode(parser.getBigIntegerValue());
      };
    }

    private Built alias(String path) throws IOException {
      String name = parser.getText();
      Built target = anchors.get(name);
      if (target == null) {
        throw places.fail(
            path, "alias *" + name + " names no anchored list or mapping before it (expected: &" + name
                + " on an earlier list or mapping; anchors on single values, and aliases inside their own"
                + " anchor, are not supported)");
      }
      if (target.node().isContainerNode() && ++aliases > MAX_ALIASES) {
        throw places.fail(
            path, "YAML alias bomb refused: more than " + MAX_ALIASES
                + " aliases to lists or mappings (expected: at most " + MAX_ALIASES
                + "; nested anchors and aliases that expand exponentially are the 'billion laughs' attack)");
      }
      count(path, target.size());
      return target;
    }

    private void count(String path, long size) {
      // Every container checks its expanded size as it grows, so the whole tree stays bounded;
      // only aliases can make it larger than the text.
      if (size > MAX_EXPANDED_NODES) {
        throw places.fail(
            path, "YAML alias bomb refused: the document expands to more than " + MAX_EXPANDED_NODES
                + " values through aliases (expected: a plan without anchors and aliases that repeat large structures)");
      }
    }

    private Built mapping(String path, int depth) throws IOException {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      long size = 1;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        String child = path.isEmpty() ? key : path + "." + key;
        int line = parser.currentTokenLocation().getLineNr();
        if (object.has(key)) {
          throw new PlanException(child, child + " (line " + line + "): duplicate key '" + key
              + "' (first at line " + places.line(child) + "; expected: each key once per mapping)");
        }
        places.record(child, line);
        parser.nextToken();
        Built b = value(child, depth + 1);
        object.set(key, b.node());
        size += b.size();
        expandedCheck(path, size);
      }
      return new Built(object, size);
    }

    private Built sequence(String path, int depth) throws IOException {
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      long size = 1;
      int i = 0;
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        Built b = value(path + "[" + i++ + "]", depth + 1);
        array.add(b.node());
        size += b.size();
        expandedCheck(path, size);
      }
      return new Built(array, size);
    }

    private void expandedCheck(String path, long size) {
      if (size > MAX_EXPANDED_NODES) {
        count(path, size);
      }
    }
  }
}
