package dev.baton.master.conflict;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A set of versions a service need accepts, in a small npm-like grammar (docs/shared-documents.md):
 *
 * <pre>
 * range       := alternative ( "||" alternative )*
 * alternative := "*" | comparator ( (" " | ",") comparator )*      all must hold
 * comparator  := [ "&gt;=" | "&gt;" | "&lt;=" | "&lt;" | "=" | "^" | "~" ] version
 * version     := NUM [ "." NUM [ "." NUM ] ]                        leading "v" allowed
 * </pre>
 *
 * A partial version stands for all versions it prefixes: {@code =7} is 7.x.x, {@code <=7.2} is below
 * 7.3.0, {@code >7} is 8.0.0 and above. {@code ^X} is X up to the next major, {@code ~X.Y} up to the
 * next minor. Each comparator is therefore a half-open interval of three-part versions.
 */
final class VersionRange {
  static final String EXPECTED = "a version range such as '>=15 <17', '>=7.2', '^16.1', '7.x' or '*'";

  private static final Pattern COMPARATOR =
      Pattern.compile("(>=|<=|>|<|=|\\^|~)?\\s*v?(\\d{1,9})(?:\\.(\\d{1,9}|x|\\*))?(?:\\.(\\d{1,9}|x|\\*))?");

  private final String text;
  /** Alternatives; each is a list of intervals that must all contain the version. */
  private final List<List<Interval>> alternatives;

  private VersionRange(String text, List<List<Interval>> alternatives) {
    this.text = text;
    this.alternatives = alternatives;
  }

  /** An interval [low, high) of versions; high null means unbounded. */
  record Interval(Version low, Version high) {
    boolean contains(Version v) {
      return v.compareTo(low) >= 0 && (high == null || v.compareTo(high) < 0);
    }
  }

  /** Parses a range or says what is wrong with it. */
  static VersionRange parse(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("empty range (expected: " + EXPECTED + ")");
    }
    List<List<Interval>> alternatives = new ArrayList<>();
    for (String alternative : trimmed.split("\\|\\|", -1)) {
      String alt = alternative.trim();
      if (alt.isEmpty()) {
        throw new IllegalArgumentException("'" + text + "': empty alternative around '||' (expected: " + EXPECTED + ")");
      }
      List<Interval> all = new ArrayList<>();
      if (!alt.equals("*")) {
        // "> = 15" is not allowed, but ">= 15" is: glue operators to their version first.
        String glued = alt.replaceAll("(>=|<=|>|<|=|\\^|~)\\s+", "$1");
        for (String token : glued.split("[\\s,]+")) {
          all.add(comparator(text, token));
        }
      }
      alternatives.add(List.copyOf(all));
    }
    return new VersionRange(trimmed, List.copyOf(alternatives));
  }

  private static Interval comparator(String text, String token) {
    Matcher m = COMPARATOR.matcher(token);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "': cannot read '" + token + "' (expected: " + EXPECTED + ")");
    }
    String op = m.group(1) == null ? "=" : m.group(1);
    List<Integer> parts = new ArrayList<>();
    parts.add(Integer.parseInt(m.group(2)));
    for (int g = 3; g <= 4; g++) {
      String p = m.group(g);
      if (p == null || p.equals("x") || p.equals("*")) {
        break;
      }
      parts.add(Integer.parseInt(p));
    }
    Version low = Version.of(parts);
    Version next = Version.bump(parts, parts.size() - 1);
    return switch (op) {
      case "=" -> new Interval(low, next);
      case ">=" -> new Interval(low, null);
      case ">" -> new Interval(next, null);
      case "<" -> new Interval(Version.ZERO, low);
      case "<=" -> new Interval(Version.ZERO, next);
      case "^" -> new Interval(low, Version.bump(parts, 0));
      case "~" -> new Interval(low, Version.bump(parts, Math.min(1, parts.size() - 1)));
      default -> throw new IllegalStateException(op);
    };
  }

  boolean contains(Version v) {
    for (List<Interval> all : alternatives) {
      if (all.stream().allMatch(i -> i.contains(v))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return text;
  }

  /** A three-part numeric version; missing parts are 0 and suffixes such as -alpine are ignored. */
  record Version(int major, int minor, int patch) implements Comparable<Version> {
    static final Version ZERO = new Version(0, 0, 0);
    static final String EXPECTED = "a version such as '16', '7.2' or '7.2.4' (a suffix like '-alpine' is ignored)";
    private static final Pattern CONCRETE = Pattern.compile("v?(\\d{1,9})(?:\\.(\\d{1,9}))?(?:\\.(\\d{1,9}))?([-+].*)?");

    static Optional<Version> parse(String text) {
      Matcher m = CONCRETE.matcher(text.trim());
      if (!m.matches()) {
        return Optional.empty();
      }
      return Optional.of(new Version(
          Integer.parseInt(m.group(1)),
          m.group(2) == null ? 0 : Integer.parseInt(m.group(2)),
          m.group(3) == null ? 0 : Integer.parseInt(m.group(3))));
    }

    static Version of(List<Integer> parts) {
      return new Version(parts.get(0), parts.size() > 1 ? parts.get(1) : 0, parts.size() > 2 ? parts.get(2) : 0);
    }

    /** The first version after every version that starts with parts[0..index]. */
    static Version bump(List<Integer> parts, int index) {
      List<Integer> p = new ArrayList<>(parts.subList(0, index + 1));
      p.set(index, p.get(index) + 1);
      return of(p);
    }

    @Override
    public int compareTo(Version o) {
      int c = Integer.compare(major, o.major);
      if (c == 0) {
        c = Integer.compare(minor, o.minor);
      }
      return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
      return major + "." + minor + "." + patch;
    }
  }
}
