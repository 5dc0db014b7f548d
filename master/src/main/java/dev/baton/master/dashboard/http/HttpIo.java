package dev.baton.master.dashboard.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Reading bounded bodies and writing JSON answers, errors and the headers every answer carries. */
final class HttpIo {
  /** Protobuf JSON as the contract says: every field, lowerCamelCase, enums by name, on one line. */
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

  private HttpIo() {}

  /** One message as one line of JSON. */
  static String json(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** A JSON string literal. */
  static String str(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** Headers on every answer: no sniffing, no framing, no referrer leaking plan ids. */
  static void common(HttpExchange ex) {
    var h = ex.getResponseHeaders();
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "no-referrer");
    h.set("X-Frame-Options", "DENY");
  }

  static void sendJson(HttpExchange ex, int status, String json) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    send(ex, status, json.getBytes(StandardCharsets.UTF_8));
  }

  static void sendError(HttpExchange ex, ApiError e) throws IOException {
    sendJson(ex, e.http, "{\"error\":" + str(e.getMessage()) + ",\"code\":" + str(e.code)
        + (e.extra.isEmpty() ? "" : "," + e.extra) + "}");
  }

  static void sendEmpty(HttpExchange ex, int status) throws IOException {
    ex.sendResponseHeaders(status, -1);
  }

  static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /**
   * The request body, at most {@code max} bytes.
   *
   * @throws ApiError 413 for a longer body
   */
  static byte[] body(HttpExchange ex, int max) throws IOException {
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.strip()) > max) {
          throw tooLarge(max);
        }
      } catch (NumberFormatException e) {
        throw ApiError.badRequest("Content-Length: '" + length + "' is not a number");
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = ex.getRequestBody()) {
      byte[] buf = new byte[4096];
      for (int n; (n = in.read(buf)) > 0; ) {
        if (out.size() + n > max) {
          throw tooLarge(max);
        }
        out.write(buf, 0, n);
      }
    }
    return out.toByteArray();
  }

  private static ApiError tooLarge(int max) {
    return new ApiError(413, "INVALID_ARGUMENT", "the request body is larger than " + max
        + " bytes (the limit of this endpoint; see docs/dashboard.md, Bounds)");
  }

  /** The query's parameters (first value of each), decoded; at most 16 of them. */
  static Map<String, String> query(HttpExchange ex) {
    String raw = ex.getRequestURI().getRawQuery();
    Map<String, String> q = new java.util.LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    if (raw.length() > 2048) {
      throw ApiError.badRequest("the query string is longer than 2048 characters");
    }
    for (String pair : raw.split("&", 17)) {
      int eq = pair.indexOf('=');
      String k = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      q.putIfAbsent(k, v);
    }
    return q;
  }
}
