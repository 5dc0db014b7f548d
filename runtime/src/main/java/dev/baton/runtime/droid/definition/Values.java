package dev.baton.runtime.droid.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Small text helpers for the parser's messages: what a value is, the nearest known name, durations. */
final class Values {
  static final Duration MAX_WALL = Duration.ofHours(1000);

  private static final Pattern DURATION = Pattern.compile("(?:(\\d{1,7})h)?(?:(\\d{1,7})m)?(?:(\\d{1,7})s)?");

  private Values() {}

  static String describe(JsonNode node) {
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isNull()) {
      return "empty";
    }
    if (node.isBoolean()) {
      return "a boolean " + node.asText();
    }
    if (node.isNumber()) {
      return "a number " + node.asText();
    }
    return "'" + abbreviate(node.asText()) + "'";
  }

  static String abbreviate(String s) {
    String one = oneLine(s);
    return one.length() <= 60 ? one : one.substring(0, 57) + "...";
  }

  static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** The known name nearest to {@code key} (ignoring case, '_' and '-'), or null when none is close. */
  static String closest(String key, List<String> known) {
    String k = squash(key);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = distance(k, squash(candidate));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, k.length() / 3) ? best : null;
  }

  private static String squash(String s) {
    return s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /**
   * A plan-format duration ({@code 90s}, {@code 30m}, {@code 1h30m}), or null when {@code text} is
   * not a positive one of at most {@link #MAX_WALL}.
   */
  static Duration duration(String text) {
    String t = text.strip();
    Matcher m = DURATION.matcher(t);
    if (t.isEmpty() || !m.matches()) {
      return null;
    }
    long seconds = 0;
    seconds += m.group(1) == null ? 0 : Long.parseLong(m.group(1)) * 3600;
    seconds += m.group(2) == null ? 0 : Long.parseLong(m.group(2)) * 60;
    seconds += m.group(3) == null ? 0 : Long.parseLong(m.group(3));
    Duration d = Duration.ofSeconds(seconds);
    return seconds == 0 || d.compareTo(MAX_WALL) > 0 ? null : d;
  }
}
