package dev.baton.master.conflict;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.master.conflict.ApiSurface.FieldType;
import dev.baton.master.conflict.ApiSurface.Fields;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code ApiUsage} YAML format: the simpler alternative to OpenAPI for a frontend's
 * api_contract, listing the operations it calls, the request fields it sends and the response
 * fields it reads, with their types, and the auth it uses.
 */
final class ApiUsageParser {
  static final String KIND = "ApiUsage";
  static final String EXPECTED = "an ApiUsage mapping with a list of operations";
  static final String OPERATION_EXPECTED = "'METHOD /path', such as 'GET /carts/{cartId}'";
  static final String FIELD_EXPECTED = "a field path such as 'total', 'items[].sku' or '[].id'";
  static final String TYPE_EXPECTED =
      "a type (string, integer, number, boolean, object, array, any), optionally ':format', such as 'string:date-time'";
  static final String STATUS_EXPECTED = "a response status such as 200, 2XX or default";
  static final String AUTH_EXPECTED =
      "auth schemes: bearer, basic, digest, apiKey, apiKey:header:NAME, apiKey:query:NAME, apiKey:cookie:NAME, oauth2, "
          + "openIdConnect, mutualTLS, or none";

  private static final Pattern OPERATION = Pattern.compile("([A-Za-z]+)\\s+(/\\S*)");
  private static final String NAME = "[A-Za-z_$][A-Za-z0-9_$-]*(?:\\[])*";
  private static final Pattern FIELD = Pattern.compile(
      "(?:\\[])+(?:\\." + NAME + ")*|" + NAME + "(?:\\." + NAME + ")*");
  private static final Pattern TYPE = Pattern.compile("(string|integer|number|boolean|object|array|any)(?::([A-Za-z0-9._-]+))?");
  private static final Pattern STATUS = Pattern.compile("[1-5](?:\\d\\d|XX)|default", Pattern.CASE_INSENSITIVE);
  private static final Pattern AUTH = Pattern.compile(
      "bearer|basic|digest|apiKey(?::(?:header|query|cookie):[A-Za-z0-9_-]+)?|oauth2|openIdConnect|mutualTLS|none");

  private ApiUsageParser() {}

  static ApiSurface parse(String documentName, String content) {
    YamlDocument.Mapping root = YamlDocument.parse(documentName, content, EXPECTED).mapping();
    root.allowOnly("apiVersion", "kind", "auth", "operations");
    FormatHeader.check(root, KIND);
    Set<String> defaultAuth = auth(root);
    List<YamlDocument.Mapping> items = root.mappings("operations", "{operation, auth, sends, reads}");
    if (items.isEmpty()) {
      throw root.fail("operations", "missing or empty (expected: a list of {operation, auth, sends, reads})");
    }
    Map<String, ApiSurface.Operation> operations = new TreeMap<>();
    for (YamlDocument.Mapping item : items) {
      item.allowOnly("operation", "auth", "sends", "reads");
      String text = item.string("operation", OPERATION_EXPECTED);
      Matcher m = OPERATION.matcher(text);
      String method = m.matches() ? m.group(1).toUpperCase(Locale.ROOT) : "";
      if (!ApiSurface.METHODS.contains(method)) {
        throw item.fail("operation", "'" + text + "' (expected: " + OPERATION_EXPECTED + ")");
      }
      Fields sends = item.optMapping("sends", "a mapping of field path to type").map(ApiUsageParser::fields)
          .orElse(Fields.NONE);
      Map<String, Fields> reads = new TreeMap<>();
      Optional<YamlDocument.Mapping> readsMap = item.optMapping("reads", "a mapping of status to fields");
      if (readsMap.isPresent()) {
        for (String status : readsMap.get().entries().keySet()) {
          if (!STATUS.matcher(status.trim()).matches()) {
            throw readsMap.get().fail(status, "not a status (expected: " + STATUS_EXPECTED + ")");
          }
          String normalized = status.trim().equalsIgnoreCase("default") ? "default" : status.trim().toUpperCase(Locale.ROOT);
          JsonNode fields = readsMap.get().entries().get(status);
          boolean none = fields == null || fields.isNull() || fields.isTextual() && fields.asText().isBlank();
          reads.put(normalized, none ? Fields.NONE : readsMap.get()
              .optMapping(status, "a mapping of field path to type").map(ApiUsageParser::fields).orElse(Fields.NONE));
        }
      }
      Set<String> auth = item.has("auth") ? auth(item) : defaultAuth;
      ApiSurface.Operation op = new ApiSurface.Operation(method, m.group(2), sends, !sends.isEmpty(), reads,
          List.of(auth));
      if (operations.putIfAbsent(op.key(), op) != null) {
        throw item.fail("operation", "'" + text + "' is listed twice (expected: each operation once)");
      }
    }
    return new ApiSurface(documentName, operations);
  }

  private static Fields fields(YamlDocument.Mapping m) {
    Map<String, FieldType> types = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : m.entries().entrySet()) {
      String field = e.getKey().trim();
      if (field.isEmpty() || !FIELD.matcher(field).matches()) {
        throw m.fail(e.getKey(), "not a field path (expected: " + FIELD_EXPECTED + ")");
      }
      JsonNode v = e.getValue();
      if (v != null && !v.isNull() && !v.isTextual()) {
        throw m.fail(e.getKey(), YamlDocument.describe(v) + " (expected: " + TYPE_EXPECTED + ")");
      }
      String typeText = v == null || v.isNull() ? "any" : v.asText().trim();
      Matcher t = TYPE.matcher(typeText);
      if (!t.matches()) {
        throw m.fail(e.getKey(), "'" + typeText + "' (expected: " + TYPE_EXPECTED + ")");
      }
      types.put(field, new FieldType(t.group(1), Optional.ofNullable(t.group(2))));
    }
    return new Fields(Map.copyOf(types), Set.of(), Set.of());
  }

  private static Set<String> auth(YamlDocument.Mapping m) {
    Set<String> schemes = new TreeSet<>();
    for (YamlDocument.Scalar s : m.scalars("auth", AUTH_EXPECTED)) {
      if (!AUTH.matcher(s.text()).matches()) {
        throw s.fail("'" + s.text() + "' (expected: " + AUTH_EXPECTED + ")");
      }
      if (!s.text().equals("none")) {
        schemes.add(s.text().toLowerCase(Locale.ROOT).equals("bearer") ? "bearer" : s.text());
      }
    }
    return Set.copyOf(schemes);
  }
}
