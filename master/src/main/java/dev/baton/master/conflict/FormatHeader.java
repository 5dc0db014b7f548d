package dev.baton.master.conflict;

import java.util.regex.Pattern;

/**
 * The optional {@code apiVersion: baton.dev/v1} and {@code kind: ...} header of the YAML formats:
 * absent, the SharedDocument's kind decides; present, it must name the format the document is read
 * as, so a file classified by its name into the wrong kind fails with a clear message.
 */
final class FormatHeader {
  static final String API_VERSION = "baton.dev/v1";
  static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,62})");
  static final String NAME_EXPECTED = "a name of lowercase letters, digits, '.', '_' or '-' (1..63 characters)";
  static final Pattern ENV = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  static final String ENV_EXPECTED = "an environment variable name such as DATABASE_URL";

  private FormatHeader() {}

  static void check(YamlDocument.Mapping root, String kind) {
    root.optString("apiVersion", API_VERSION).ifPresent(v -> {
      if (!v.equals(API_VERSION)) {
        throw root.fail("apiVersion", "'" + v + "' (expected: " + API_VERSION + ")");
      }
    });
    root.optString("kind", kind).ifPresent(k -> {
      if (!k.equals(kind)) {
        throw root.fail("kind", "'" + k + "' (expected: " + kind + " for this document)");
      }
    });
  }

  static String name(YamlDocument.Mapping m, String field) {
    String n = m.string(field, NAME_EXPECTED);
    if (!NAME.matcher(n).matches()) {
      throw m.fail(field, "'" + n + "' (expected: " + NAME_EXPECTED + ")");
    }
    return n;
  }

  static int port(YamlDocument.Scalar s) {
    String t = s.text();
    if (!t.matches("\\d{1,5}") || Integer.parseInt(t) < 1 || Integer.parseInt(t) > 65535) {
      throw s.fail("'" + t + "' (expected: a port in 1..65535)");
    }
    return Integer.parseInt(t);
  }

  /** An HTTP path such as /api/cart; a trailing slash is dropped so /api/ and /api are one path. */
  static String path(YamlDocument.Scalar s) {
    String t = s.text();
    if (!t.startsWith("/") || t.contains(" ")) {
      throw s.fail("'" + t + "' (expected: a path starting with '/', such as /api/cart)");
    }
    return t.length() > 1 && t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
  }
}
