package dev.baton.master.conflict;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An API reduced to what the api_contract check compares, whichever format it came from: its
 * operations, the fields of each request and response as flat paths ({@code items[].sku}) with
 * their types, and the security alternatives. Both OpenAPI documents and the ApiUsage format map
 * onto it, so one comparison serves both.
 */
final class ApiSurface {
  /** HTTP methods in their usual order, for messages. */
  static final List<String> METHODS = List.of("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE");

  /** A JSON type ({@code string integer number boolean object array any}) and an optional format. */
  record FieldType(String type, Optional<String> format) {
    static final FieldType ANY = new FieldType("any", Optional.empty());

    @Override
    public String toString() {
      return format.map(f -> type + " (" + f + ")").orElse(type);
    }
  }

  /**
   * The fields of one body. {@code opaque} are object paths whose properties are not declared (free
   * form): nothing under them can be said to be absent.
   */
  record Fields(Map<String, FieldType> types, Set<String> required, Set<String> opaque) {
    static final Fields NONE = new Fields(Map.of(), Set.of(), Set.of());

    boolean isEmpty() {
      return types.isEmpty();
    }

    /** The path is declared, is under a free-form object, or (root) always present. */
    boolean knows(String path) {
      if (path.isEmpty() || types.containsKey(path)) {
        return true;
      }
      String p = path;
      do {
        p = parent(p);
        if (opaque.contains(p)) {
          return true;
        }
      } while (!p.isEmpty());
      return false;
    }
  }

  /**
   * One operation. {@code security} lists the alternatives (any one suffices), each the set of scheme
   * signatures sent together; an empty alternative means anonymous access.
   */
  record Operation(
      String method, String path, Fields request, boolean requestBodyRequired, Map<String, Fields> responses,
      List<Set<String>> security) {

    String key() {
      return method + " " + normalize(path);
    }

    String label() {
      return method + " " + path;
    }
  }

  private final String document;
  private final Map<String, Operation> operations;

  ApiSurface(String document, Map<String, Operation> operations) {
    this.document = document;
    this.operations = Map.copyOf(operations);
  }

  String document() {
    return document;
  }

  /** Operations by {@link Operation#key()}. */
  Map<String, Operation> operations() {
    return operations;
  }

  /**
   * A path template with its parameter names erased and no trailing slash: {@code /carts/{id}} and
   * {@code /carts/{cartId}/} are the same path.
   */
  static String normalize(String path) {
    String p = path.trim().replaceAll("\\{[^}/]*}", "{}");
    if (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  /** The parent of a field path: {@code a.b[].c} -> {@code a.b[]} -> {@code a.b} -> {@code a} -> "". */
  static String parent(String path) {
    if (path.endsWith("[]")) {
      return path.substring(0, path.length() - 2);
    }
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "" : path.substring(0, dot);
  }

  /** A child path: properties join with '.', array items add "[]". */
  static String child(String path, String property) {
    return path.isEmpty() ? property : path + "." + property;
  }

  /** A number field may carry integers; {@code any} matches everything. */
  static boolean compatible(String expected, String actual) {
    return expected.equals(actual) || expected.equals("any") || actual.equals("any")
        || expected.equals("number") && actual.equals("integer");
  }
}
