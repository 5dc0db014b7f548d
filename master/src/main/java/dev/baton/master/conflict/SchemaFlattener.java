package dev.baton.master.conflict;

import dev.baton.master.conflict.ApiSurface.FieldType;
import dev.baton.master.conflict.ApiSurface.Fields;
import io.swagger.v3.oas.models.media.Schema;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns an OpenAPI schema into flat field paths with types: follows local {@code $ref}s, merges
 * {@code allOf}, unions {@code oneOf}/{@code anyOf} (their fields are never required), descends into
 * arrays ({@code items[]}) and nested objects. A recursive reference stops at its second visit and
 * is treated as a free-form object; depth is bounded.
 */
@SuppressWarnings("rawtypes") // swagger-models exposes raw Schema maps and lists
final class SchemaFlattener {
  static final int MAX_DEPTH = 32;
  static final String SCHEMA_REF = "#/components/schemas/";

  private final String document;
  private final String where;
  private final Map<String, Schema> schemas;
  private final Map<String, FieldType> types = new TreeMap<>();
  private final Set<String> required = new TreeSet<>();
  private final Set<String> opaque = new TreeSet<>();
  private final Deque<String> refs = new ArrayDeque<>();

  private SchemaFlattener(String document, String where, Map<String, Schema> schemas) {
    this.document = document;
    this.where = where;
    this.schemas = schemas;
  }

  /**
   * @param where the body, for errors: {@code GET /carts/{id} response 200}
   * @param requiredRoot whether the root's required properties are required (request bodies)
   */
  static Fields flatten(String document, String where, Map<String, Schema> schemas, Schema<?> root,
      boolean requiredRoot) {
    if (root == null) {
      return Fields.NONE;
    }
    SchemaFlattener f = new SchemaFlattener(document, where, schemas == null ? Map.of() : schemas);
    f.visit(root, "", requiredRoot, 0);
    return new Fields(Map.copyOf(f.types), Set.copyOf(f.required), Set.copyOf(f.opaque));
  }

  private void visit(Schema<?> s, String path, boolean req, int depth) {
    if (s == null || depth > MAX_DEPTH) {
      return;
    }
    if (s.get$ref() != null) {
      String name = refName(s.get$ref(), path);
      if (refs.contains(name)) {
        record(path, new FieldType("object", Optional.empty()), req);
        opaque.add(path);
        return;
      }
      refs.push(name);
      visit(schemas.get(name), path, req, depth + 1);
      refs.pop();
      return;
    }
    FieldType type = typeOf(s);
    if (!path.isEmpty()) {
      record(path, type, req);
    }
    boolean composed = false;
    if (s.getAllOf() != null) {
      composed = true;
      for (Schema<?> part : s.getAllOf()) {
        visit(part, path, req, depth + 1);
      }
    }
    for (List<Schema> alternatives : java.util.Arrays.asList(s.getOneOf(), s.getAnyOf())) {
      if (alternatives != null) {
        composed = true;
        for (Schema<?> part : alternatives) {
          visit(part, path, false, depth + 1);
        }
      }
    }
    if (s.getItems() != null) {
      visit(s.getItems(), path + "[]", req, depth + 1);
    }
    List<String> requiredNames = s.getRequired() == null ? List.of() : s.getRequired();
    if (s.getProperties() != null) {
      for (Map.Entry<String, Schema> p : new TreeMap<>(s.getProperties()).entrySet()) {
        visit(p.getValue(), ApiSurface.child(path, p.getKey()), req && requiredNames.contains(p.getKey()), depth + 1);
      }
    }
    if (req) {
      // allOf: the composed schema may require properties its parts declare.
      for (String name : requiredNames) {
        required.add(ApiSurface.child(path, name));
      }
    }
    if (type.type().equals("object") && s.getProperties() == null && !composed) {
      opaque.add(path);
    }
  }

  private String refName(String ref, String path) {
    String at = where + (path.isEmpty() ? "" : " field " + path);
    if (!ref.startsWith(SCHEMA_REF)) {
      throw new DocumentException(document, at,
          "$ref '" + ref + "' (expected: a local reference " + SCHEMA_REF + "NAME; other documents are not fetched)");
    }
    String name = ref.substring(SCHEMA_REF.length());
    if (!schemas.containsKey(name)) {
      throw new DocumentException(document, at, "$ref '" + ref + "' names no schema in components.schemas");
    }
    return name;
  }

  private void record(String path, FieldType type, boolean req) {
    FieldType old = types.get(path);
    if (old == null || old.type().equals("any")) {
      types.put(path, type);
    }
    if (req) {
      required.add(path);
    }
  }

  static FieldType typeOf(Schema<?> s) {
    String type = s.getType();
    if (type == null && s.getTypes() != null) {
      type = new TreeSet<>(s.getTypes()).stream().filter(t -> !t.equals("null")).findFirst().orElse(null);
    }
    if (type == null) {
      if (s.getProperties() != null || s.getAllOf() != null) {
        type = "object";
      } else if (s.getItems() != null) {
        type = "array";
      } else {
        type = "any";
      }
    }
    return new FieldType(type, Optional.ofNullable(s.getFormat()));
  }
}
