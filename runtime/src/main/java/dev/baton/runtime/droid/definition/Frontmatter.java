package dev.baton.runtime.droid.definition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A definition file split into its YAML frontmatter, read into top-level fields with the file line
 * of every key, and its Markdown body.
 *
 * <p>The frontmatter is small and flat (values, lists of values, one level of mapping for
 * {@code budget}), so anything deeper is refused, and so are YAML aliases: Jackson's streaming parser
 * never expands them, and refusing them keeps a hostile file from meaning more than it says. SnakeYAML's
 * {@link LoaderOptions} and Jackson's {@link StreamReadConstraints} bound size and nesting before
 * anything is built.
 */
final class Frontmatter {
  /** Mapping inside mapping inside the frontmatter is as deep as the format goes. */
  static final int MAX_DEPTH = 3;

  private static final String DELIMITER = "---";
  private static final String EXPECTED_LAYOUT =
      "a first line '---', YAML fields such as 'name: my-droid', a line '---', then the system prompt";
  private static final YAMLFactory FACTORY = factory();

  final String file;
  /** Top-level fields in file order. */
  final Map<String, JsonNode> fields;
  /** File line of every key: "name", "budget.wall". */
  final Map<String, Integer> lines;
  /** Line of the opening {@code ---}, for fields that are missing. */
  final int openingLine;
  final String body;
  /** File line where the body starts. */
  final int bodyLine;

  private Frontmatter(String file, Map<String, JsonNode> fields, Map<String, Integer> lines, int openingLine,
      String body, int bodyLine) {
    this.file = file;
    this.fields = fields;
    this.lines = lines;
    this.openingLine = openingLine;
    this.body = body;
    this.bodyLine = bodyLine;
  }

  private static YAMLFactory factory() {
    LoaderOptions loader = new LoaderOptions();
    loader.setCodePointLimit(DroidDefinitionParser.MAX_BYTES);
    loader.setNestingDepthLimit(MAX_DEPTH + 2);
    loader.setMaxAliasesForCollections(10);
    loader.setAllowRecursiveKeys(false);
    loader.setAllowDuplicateKeys(true); // refused below, with both lines
    return YAMLFactory.builder()
        .loaderOptions(loader)
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH + 2)
            .maxStringLength(DroidDefinitionParser.MAX_BYTES)
            .maxNumberLength(30)
            .build())
        .build();
  }

  int line(String path) {
    return lines.getOrDefault(path, openingLine);
  }

  DroidDefinitionException fail(String path, String problem) {
    return new DroidDefinitionException(file, line(path), path, problem);
  }

  static Frontmatter read(String file, String text) {
    String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
    String[] rows = t.split("\\R", -1);
    int first = 0;
    while (first < rows.length && rows[first].isBlank()) {
      first++;
    }
    if (first == rows.length || !rows[first].strip().equals(DELIMITER)) {
      throw new DroidDefinitionException(file, first == rows.length ? 1 : first + 1, "",
          "no YAML frontmatter (expected: " + EXPECTED_LAYOUT + ")");
    }
    int close = -1;
    for (int i = first + 1; i < rows.length; i++) {
      if (rows[i].stripTrailing().equals(DELIMITER)) {
        close = i;
        break;
      }
    }
    if (close < 0) {
      throw new DroidDefinitionException(file, first + 1, "",
          "the frontmatter opened here is never closed (expected: a line '---' after the fields)");
    }
    StringBuilder yaml = new StringBuilder();
    for (int i = first + 1; i < close; i++) {
      yaml.append(rows[i]).append('\n');
    }
    StringBuilder body = new StringBuilder();
    for (int i = close + 1; i < rows.length; i++) {
      body.append(rows[i]).append(i + 1 < rows.length ? "\n" : "");
    }
    // Parser line 1 is the file line after the opening '---'.
    Reader reader = new Reader(file, first + 1, first + 1);
    reader.parse(yaml.toString());
    return new Frontmatter(file, reader.fields, reader.lines, first + 1, body.toString(), close + 2);
  }

  /** Builds the fields token by token, so every key keeps its line and nothing deep or aliased gets in. */
  private static final class Reader {
    private final String file;
    private final int offset;
    private final int openingLine;
    private final Map<String, JsonNode> fields = new LinkedHashMap<>();
    private final Map<String, Integer> lines = new HashMap<>();
    private YAMLParser parser;

    Reader(String file, int offset, int openingLine) {
      this.file = file;
      this.offset = offset;
      this.openingLine = openingLine;
    }

    void parse(String yaml) {
      try (YAMLParser p = (YAMLParser) FACTORY.createParser(yaml)) {
        parser = p;
        JsonToken first = p.nextToken();
        if (first == null || first == JsonToken.VALUE_NULL) {
          throw new DroidDefinitionException(file, openingLine, "",
              "the frontmatter is empty (expected: at least 'name: my-droid')");
        }
        if (first != JsonToken.START_OBJECT) {
          throw new DroidDefinitionException(file, line(), "",
              "the frontmatter is " + Values.describe(value("", 1)) + ", not fields (expected: 'key: value' lines)");
        }
        ObjectNode root = (ObjectNode) mapping("", 1);
        root.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
      } catch (JsonProcessingException e) {
        throw new DroidDefinitionException(file, syntaxLine(e), "", "not valid YAML: " + syntaxProblem(e)
            + " (expected: 'key: value' lines; quote values that contain ': ' or start with a special character)", e);
      } catch (IOException e) {
        throw new DroidDefinitionException(file, openingLine, "", "cannot read the frontmatter: " + e.getMessage(), e);
      }
    }

    private int line() {
      return parser.currentTokenLocation().getLineNr() + offset;
    }

    private JsonNode value(String path, int depth) throws IOException {
      if (parser.isCurrentAlias()) {
        throw new DroidDefinitionException(file, line(), path,
            "YAML alias *" + parser.getText() + " (expected: the value written out; aliases are not supported here)");
      }
      JsonNodeFactory f = JsonNodeFactory.instance;
      return switch (parser.currentToken()) {
        case START_OBJECT -> mapping(path, depth);
        case START_ARRAY -> sequence(path, depth);
        case VALUE_STRING -> f.textNode(parser.getText());
        case VALUE_NUMBER_INT -> parser.getNumberType() == com.fasterxml.jackson.core.JsonParser.NumberType.INT
            ? f.numberNode(parser.getIntValue()) : f.numberNode(parser.getLongValue());
        case VALUE_NUMBER_FLOAT -> f.numberNode(parser.getDoubleValue());
        case VALUE_TRUE, VALUE_FALSE -> f.booleanNode(parser.getBooleanValue());
        case VALUE_NULL -> f.nullNode();
        default -> throw new DroidDefinitionException(file, line(), path,
            "unsupported YAML value (expected: text, a number, a list or a mapping)");
      };
    }

    private JsonNode mapping(String path, int depth) throws IOException {
      checkDepth(path, depth);
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        String child = path.isEmpty() ? key : path + "." + key;
        int line = line();
        if (object.has(key)) {
          throw new DroidDefinitionException(file, line, child,
              "given twice (first at line " + lines.get(child) + "; expected: each field once)");
        }
        lines.put(child, line);
        parser.nextToken();
        object.set(key, value(child, depth + 1));
      }
      return object;
    }

    private JsonNode sequence(String path, int depth) throws IOException {
      checkDepth(path, depth);
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        array.add(value(path, depth + 1));
      }
      return array;
    }

    private void checkDepth(String path, int depth) {
      if (depth > MAX_DEPTH) {
        throw new DroidDefinitionException(file, lines.getOrDefault(path, line()), path,
            "nested deeper than " + MAX_DEPTH + " levels (expected: values, lists of values, and budget's fields)");
      }
    }

    private int syntaxLine(JsonProcessingException e) {
      if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
        return y.getProblemMark().getLine() + 1 + offset;
      }
      return e.getLocation() == null || e.getLocation().getLineNr() < 1
          ? openingLine : e.getLocation().getLineNr() + offset;
    }

    private static String syntaxProblem(JsonProcessingException e) {
      if (e.getCause() instanceof MarkedYAMLException y && y.getProblem() != null) {
        return Values.oneLine(y.getProblem());
      }
      return Values.oneLine(e.getOriginalMessage());
    }
  }
}
