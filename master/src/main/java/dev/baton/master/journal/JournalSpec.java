package dev.baton.master.journal;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code --journal} value: a file path (the embedded SQLite journal) or a PostgreSQL URL
 * ({@code postgres://user:pass@host:port/db}, {@code postgresql://...} or {@code jdbc:postgresql:...}).
 * Parsing checks the form only; opening connects.
 */
public sealed interface JournalSpec permits JournalSpec.Sqlite, JournalSpec.Postgres {
  /** Longest spec taken. */
  int MAX_LENGTH = 4096;
  String EXPECTED = "a file path such as ./baton-journal.db, or postgres://user:password@host:5432/database";

  /** What to show in messages and logs: never a password. */
  String display();

  /** The embedded journal in one SQLite file. */
  record Sqlite(Path path) implements JournalSpec {
    @Override
    public String display() {
      return path.toString();
    }
  }

  /** A PostgreSQL database; user and password may be empty (then taken from the JDBC URL or the server's trust rules). */
  record Postgres(String jdbcUrl, String user, String password, String display) implements JournalSpec {
    @Override
    public String toString() {
      return "Postgres[" + display + "]";
    }
  }

  /**
   * Parses a spec.
   *
   * @throws IllegalArgumentException naming what is wrong and the expected form
   */
  public static JournalSpec parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("--journal: empty (expected: " + EXPECTED + ")");
    }
    String s = spec.strip();
    if (s.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("--journal: " + s.length() + " characters (expected: at most " + MAX_LENGTH + ")");
    }
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:postgresql:")) {
      return new Postgres(s, "", "", s.replaceAll("(?i)password=[^&]*", "password=***"));
    }
    if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
      return postgres(s);
    }
    int scheme = s.indexOf("://");
    if (scheme > 0 || lower.startsWith("jdbc:")) {
      String[] parts = s.split(":", 3);
      String name = scheme > 0 ? s.substring(0, scheme) : parts.length > 1 ? "jdbc:" + parts[1] : s;
      throw new IllegalArgumentException("--journal " + name + "...: unsupported kind of journal '" + name
          + "' (expected: " + EXPECTED + "; postgresql:// and jdbc:postgresql: URLs work too)");
    }
    Path path;
    try {
      path = Path.of(s).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("--journal " + s + ": not a valid path (" + e.getReason() + ")");
    }
    if (Files.isDirectory(path)) {
      throw new IllegalArgumentException("--journal " + s + ": is a directory (expected: a file, e.g. "
          + path.resolve("baton-journal.db") + ")");
    }
    Path parent = path.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new IllegalArgumentException("--journal " + s + ": directory " + parent
          + " does not exist (create it, or give a path in an existing directory)");
    }
    return new Sqlite(path);
  }

  private static Postgres postgres(String s) {
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--journal: not a valid URL (" + e.getReason() + " at index " + e.getIndex()
          + "; expected: postgres://user:password@host:5432/database, with special characters of the password %-encoded)");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("--journal postgres://...: no host (expected: postgres://user:password@HOST:5432/database)");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = decode(path.startsWith("/") ? path.substring(1) : path);
    if (database.isEmpty() || database.contains("/")) {
      throw new IllegalArgumentException("--journal postgres://" + host + "...: no database name (expected: postgres://user:password@"
          + host + ":5432/DATABASE)");
    }
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    String user = "";
    String password = "";
    String info = uri.getRawUserInfo();
    if (info != null) {
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? "" : decode(info.substring(colon + 1));
    }
    String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    String jdbc = "jdbc:postgresql://" + hostPart + ":" + port + "/" + path.substring(1) + query;
    String display = "postgres://" + (user.isEmpty() ? "" : user + "@") + hostPart + ":" + port + "/" + database;
    return new Postgres(jdbc, user, password, display);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
