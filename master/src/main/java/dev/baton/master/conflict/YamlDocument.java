package dev.baton.master.conflict;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Strict reading of the small YAML formats: every accessor names the document and the field path
 * in its error, unknown fields are refused (with the known ones listed), and the parser is bounded
 * (size, nesting, aliases) since documents come from droids.
 */
final class YamlDocument {
  /** Documents larger than this (1 MiB, as over the wire) are refused; a real shared document is a few KiB. */
  static final int MAX_BYTES = dev.baton.runtime.limits.BatonBounds.DOCUMENT_BYTES;
  static final int MAX_DEPTH = 40;

  private static final ObjectMapper MAPPER = mapper();

  private final String document;

  private YamlDocument(String document) {
    this.document = document;
  }

  private static ObjectMapper mapper() {
    LoaderOptions loader = new LoaderOptions();
    loader.setCodePointLimit(MAX_BYTES);
    loader.setNestingDepthLimit(MAX_DEPTH);
    loader.setMaxAliasesForCollections(20);
    loader.setAllowRecursiveKeys(false);
    YAMLFactory factory = YAMLFactory.builder()
        .loaderOptions(loader)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
        .build();
    factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    return new ObjectMapper(factory);
  }

  /** The document's root mapping, or an error naming the document. */
  static Root parse(String documentName, String content, String expected) {
    YamlDocument doc = new YamlDocument(documentName);
    if (content.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw doc.fail("", "the document is larger than " + MAX_BYTES + " bytes");
    }
    try {
      dev.baton.runtime.limits.YamlCost.checkRuns("document", content);
    } catch (dev.baton.runtime.limits.BoundsException e) {
      throw doc.fail("", e.getMessage().substring("document (".length()).replaceFirst("\\): ", ": "));
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(content);
    } catch (JsonProcessingException e) {
      throw doc.fail("", "not valid YAML (" + e.getOriginalMessage() + ") (expected: " + expected + ")");
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw doc.fail("", "the document is empty (expected: " + expected + ")");
    }
    if (!root.isObject()) {
      throw doc.fail("", "the document is " + describe(root) + ", not a mapping"
          + " (expected: " + expected + ")");
    }
    return new Root(doc, root);
  }

  DocumentException fail(String field, String problem) {
    return new DocumentException(document, field, problem);
  }

  String name() {
    return document;
  }

  /** The document's root mapping. */
  record Root(YamlDocument doc, JsonNode node) {
    Mapping mapping() {
      return new Mapping(doc, "", node);
    }
  }

  /** A YAML mapping at a path, with typed accessors that fail with the path and the expected form. */
  static final class Mapping {
    private final YamlDocument doc;
    private final String path;
    private final JsonNode node;

    Mapping(YamlDocument doc, String path, JsonNode node) {
      this.doc = doc;
      this.path = path;
      this.node = node;
    }

    String path() {
      return path;
    }

    String child(String field) {
      return path.isEmpty() ? field : path + "." + field;
    }

    DocumentException fail(String field, String problem) {
      return doc.fail(field == null ? path : child(field), problem);
    }

    /** Refuses fields other than the known ones, listing those. */
    Mapping allowOnly(String... known) {
      Set<String> allowed = Set.of(known);
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!allowed.contains(f)) {
          throw fail(f, "unknown field (expected one of: " + String.join(", ", new TreeSet<>(allowed)) + ")");
        }
      }
      return this;
    }

    boolean has(String field) {
      JsonNode v = node.get(field);
      return v != null && !v.isNull();
    }

    Optional<String> optString(String field, String expected) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return Optional.empty();
      }
      if (!v.isValueNode() || v.asText().isBlank()) {
        throw fail(field, describe(v) + " (expected: " + expected + ")");
      }
      return Optional.of(v.asText().trim());
    }

    String string(String field, String expected) {
      return optString(field, expected).orElseThrow(() -> fail(field, "missing (expected: " + expected + ")"));
    }

    Optional<Integer> optInt(String field, int min, int max) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return Optional.empty();
      }
      String expected = "an integer in " + min + ".." + max;
      if (!v.canConvertToInt() || !(v.isIntegralNumber() || v.isTextual() && v.asText().matches("-?\\d+"))) {
        throw fail(field, describe(v) + " (expected: " + expected + ")");
      }
      int i = v.isTextual() ? Integer.parseInt(v.asText()) : v.asInt();
      if (i < min || i > max) {
        throw fail(field, i + " (expected: " + expected + ")");
      }
      return Optional.of(i);
    }

    Optional<Mapping> optMapping(String field, String expected) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return Optional.empty();
      }
      if (!v.isObject()) {
        throw fail(field, describe(v) + " (expected: " + expected + ")");
      }
      return Optional.of(new Mapping(doc, child(field), v));
    }

    /** This mapping's own entries in document order. */
    Map<String, JsonNode> entries() {
      Map<String, JsonNode> out = new LinkedHashMap<>();
      node.properties().forEach(e -> out.put(e.getKey(), e.getValue()));
      return out;
    }

    /** A list of mappings; empty when absent. */
    List<Mapping> mappings(String field, String expected) {
      List<Mapping> out = new ArrayList<>();
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return out;
      }
      if (!v.isArray()) {
        throw fail(field, describe(v) + " (expected: a list of " + expected + ")");
      }
      for (int i = 0; i < v.size(); i++) {
        JsonNode item = v.get(i);
        String itemPath = child(field) + "[" + i + "]";
        if (!item.isObject()) {
          throw doc.fail(itemPath, describe(item) + " (expected: " + expected + ")");
        }
        out.add(new Mapping(doc, itemPath, item));
      }
      return out;
    }

    /** A list of scalars (a single scalar counts as a list of one); empty when absent. */
    List<Scalar> scalars(String field, String expected) {
      List<Scalar> out = new ArrayList<>();
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return out;
      }
      if (v.isValueNode()) {
        out.add(new Scalar(doc, child(field), v));
        return out;
      }
      if (!v.isArray()) {
        throw fail(field, describe(v) + " (expected: a list of " + expected + ")");
      }
      for (int i = 0; i < v.size(); i++) {
        JsonNode item = v.get(i);
        String itemPath = child(field) + "[" + i + "]";
        if (!item.isValueNode() || item.isNull() || item.asText().isBlank()) {
          throw doc.fail(itemPath, describe(item) + " (expected: " + expected + ")");
        }
        out.add(new Scalar(doc, itemPath, item));
      }
      return out;
    }
  }

  /** A scalar value with its path, for error messages. */
  record Scalar(YamlDocument doc, String path, JsonNode node) {
    String text() {
      return node.asText().trim();
    }

    DocumentException fail(String problem) {
      return doc.fail(path, problem);
    }
  }

  static String describe(JsonNode v) {
    if (v.isObject()) {
      return "a mapping";
    }
    if (v.isArray()) {
      return "a list";
    }
    if (v.isTextual()) {
      return v.asText().isBlank() ? "an empty string" : "'" + v.asText() + "'";
    }
    return String.valueOf(v);
  }
}
