package dev.baton.master.dashboard.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web app's build output from the class path ({@value #ROOT}): {@code /assets/**} with
 * year-long cache headers (their names carry content hashes), and {@code index.html} for every other
 * path (the app's client-side routes), never cached. Without a web build in the jar, a short plain
 * page says so (and that the JSON API works) instead of a 500. Files are read once and kept (the
 * build is a few hundred KiB); thread-safe.
 */
final class StaticFiles {
  static final String ROOT = "dev/baton/master/dashboard/web/";
  /** Longest asset path looked up. */
  private static final int MAX_PATH = 512;
  private static final java.util.regex.Pattern ASSET = java.util.regex.Pattern.compile("[A-Za-z0-9._/-]+");
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("json", "application/json"), Map.entry("map", "application/json"),
      Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("ico", "image/x-icon"),
      Map.entry("woff2", "font/woff2"), Map.entry("woff", "font/woff"), Map.entry("txt", "text/plain; charset=utf-8"),
      Map.entry("webmanifest", "application/manifest+json"));
  static final String MISSING = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Baton dashboard</title>"
      + "</head><body><h1>Baton dashboard</h1><p>This master's jar has no web app build (class path "
      + ROOT + "index.html is missing). Build it with <code>./mvnw -B -ntp package -pl master -am</code>"
      + " (see docs/dashboard.md). The JSON API under <a href=\"/api/plans\">/api/</a> works.</p></body></html>";

  private final ClassLoader loader;
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();
  private static final byte[] NONE = new byte[0];

  StaticFiles(ClassLoader loader) {
    this.loader = loader;
  }

  void serve(HttpExchange ex, String path) throws IOException {
    var h = ex.getResponseHeaders();
    h.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
        + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    if (path.startsWith("/assets/") || isRootFile(path)) {
      String name = path.substring(1);
      if (name.length() > MAX_PATH || !ASSET.matcher(name).matches() || name.contains("..")) {
        throw ApiError.badRequest("asset path '" + abbreviate(path) + "' (expected: letters, digits and ._/- only)");
      }
      byte[] body = read(name);
      if (body != null) {
        h.set("Content-Type", type(name));
        h.set("Cache-Control", name.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache");
        HttpIo.send(ex, 200, body);
        return;
      }
      if (name.startsWith("assets/")) {
        h.set("Content-Type", "text/plain; charset=utf-8");
        HttpIo.send(ex, 404, ("no asset " + abbreviate(path) + " in this build\n").getBytes(StandardCharsets.UTF_8));
        return;
      }
    }
    byte[] index = read("index.html");
    h.set("Content-Type", "text/html; charset=utf-8");
    h.set("Cache-Control", "no-cache");
    HttpIo.send(ex, 200, index != null ? index : MISSING.getBytes(StandardCharsets.UTF_8));
  }

  /** favicon.ico, robots.txt and the like: a file at the build's top level with an extension. */
  private static boolean isRootFile(String path) {
    return path.lastIndexOf('/') == 0 && path.indexOf('.') > 1 && !path.endsWith(".html");
  }

  private byte[] read(String name) throws IOException {
    byte[] cached = cache.get(name);
    if (cached != null) {
      return cached == NONE ? null : cached;
    }
    byte[] body;
    try (InputStream in = loader.getResourceAsStream(ROOT + name)) {
      body = in == null ? NONE : in.readAllBytes();
    }
    if (cache.size() < 1024) {
      cache.put(name, body);
    }
    return body == NONE ? null : body;
  }

  private static String type(String name) {
    int dot = name.lastIndexOf('.');
    return TYPES.getOrDefault(dot < 0 ? "" : name.substring(dot + 1), "application/octet-stream");
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
