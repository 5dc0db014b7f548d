package dev.baton.runtime.security.auth;

import dev.baton.runtime.security.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The callers file ({@code --tokens FILE}): static bearer tokens, kept as their SHA-256 so the file
 * does not hold the secrets, and certificate identities given roles (a person's client
 * certificate, such as the one {@code baton up} makes for the local user).
 *
 * <pre>
 * callers:
 *   - subject: alice
 *     roles: [submitter]
 *     token_sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 *   - subject: spiffe://baton/user/ops
 *     roles: [admin]
 *     certificate: true
 * </pre>
 *
 * <p>Immutable; read once at start ({@link #read}).
 */
public final class Callers {
  /** Largest callers file read. */
  public static final int MAX_BYTES = 1 << 20;

  /** One caller: its subject and roles. */
  public record Caller(String subject, Set<Role> roles, String domain) {}

  private final Map<String, Caller> byTokenHash;
  private final Map<String, Caller> byIdentity;

  private Callers(Map<String, Caller> byTokenHash, Map<String, Caller> byIdentity) {
    this.byTokenHash = Map.copyOf(byTokenHash);
    this.byIdentity = Map.copyOf(byIdentity);
  }

  /** No callers. */
  public static Callers none() {
    return new Callers(Map.of(), Map.of());
  }

  /** The caller whose token this is, if the file lists it. */
  public Optional<Caller> byToken(String token) {
    return Optional.ofNullable(byTokenHash.get(sha256(token)));
  }

  /** The roles the file gives a certificate identity ({@code spiffe://...}), if any. */
  public Optional<Caller> byIdentity(String identity) {
    return Optional.ofNullable(byIdentity.get(identity));
  }

  public boolean isEmpty() {
    return byTokenHash.isEmpty() && byIdentity.isEmpty();
  }

  /** Lower-case hex SHA-256 of {@code token}'s UTF-8 bytes: what a callers file stores. */
  public static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Reads a callers file.
   *
   * @throws IllegalArgumentException naming the file, the entry and the problem
   */
  public static Callers read(Path file) {
    String text;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new IllegalArgumentException(file + ": larger than " + MAX_BYTES + " bytes (expected: a callers file)");
      }
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read the callers file (" + e.getMessage() + ")", e);
    }
    return parse(file.toString(), text);
  }

  static Callers parse(String name, String text) {
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(name + ": not YAML (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    if (!(root instanceof Map<?, ?> top) || !(top.get("callers") instanceof List<?> list)) {
      throw new IllegalArgumentException(name + ": expected a map with a 'callers' list (see docs/security.md)");
    }
    Map<String, Caller> tokens = new HashMap<>();
    Map<String, Caller> identities = new HashMap<>();
    int i = 0;
    for (Object o : list) {
      String where = name + ": callers[" + i++ + "]";
      if (!(o instanceof Map<?, ?> entry)) {
        throw new IllegalArgumentException(where + ": expected a map with subject, roles and token_sha256 or certificate");
      }
      String subject = entry.get("subject") instanceof String s && !s.isBlank() ? s.strip() : null;
      if (subject == null || subject.length() > 256) {
        throw new IllegalArgumentException(where + ": subject: missing or longer than 256 characters");
      }
      Set<Role> roles = EnumSet.noneOf(Role.class);
      if (!(entry.get("roles") instanceof List<?> names) || names.isEmpty()) {
        throw new IllegalArgumentException(where + ": roles: expected a list of viewer, submitter, admin, orchestrator, master");
      }
      for (Object r : names) {
        roles.add(Role.parse(String.valueOf(r)).orElseThrow(() -> new IllegalArgumentException(where
            + ": roles: unknown role '" + r + "' (expected: viewer, submitter, admin, orchestrator, master)")));
      }
      String domain = entry.get("domain") instanceof String d ? d.strip().toLowerCase(Locale.ROOT) : "";
      Caller caller = new Caller(subject, roles, domain);
      Object hash = entry.get("token_sha256");
      boolean certificate = Boolean.TRUE.equals(entry.get("certificate"));
      if (hash instanceof String h && h.strip().toLowerCase(Locale.ROOT).matches("[0-9a-f]{64}")) {
        if (tokens.put(h.strip().toLowerCase(Locale.ROOT), caller) != null) {
          throw new IllegalArgumentException(where + ": token_sha256: the same token is listed twice");
        }
      } else if (hash != null) {
        throw new IllegalArgumentException(where + ": token_sha256: expected 64 hex digits (sha256sum of the token)");
      } else if (certificate) {
        identities.put(subject, caller);
      } else {
        throw new IllegalArgumentException(where + ": expected token_sha256 (a bearer token) or certificate: true"
            + " (the subject is a certificate's URI SAN)");
      }
    }
    return new Callers(tokens, identities);
  }

  /** Writes a callers file of {@code entries} (subject, roles, token or null for a certificate). */
  public static void write(Path file, List<Object[]> entries) throws IOException {
    List<String> lines = new ArrayList<>(List.of("callers:"));
    for (Object[] e : entries) {
      lines.add("  - subject: \"" + e[0] + "\"");
      lines.add("    roles: [" + e[1] + "]");
      lines.add(e[2] == null ? "    certificate: true" : "    token_sha256: " + sha256((String) e[2]));
    }
    Files.write(file, lines);
  }
}
