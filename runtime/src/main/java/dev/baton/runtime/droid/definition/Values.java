package dev.baton.runtime.droid.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.baton.runtime.text.Suggestions;

/** Small text helpers for the parser's messages: what a value is, the nearest known name, durations. */
final class Values {
  static final Duration MAX_WALL = Duration.ofHours(1000);

  private static final Pattern DURATION = Pattern.compile("(?:(\\d{1,7})h)?(?:(\\d{1,7})m)?(?:(\\d{1,7})s)?");

  private Values() {}

  static String closest(String key, List<String> known) {
    return Suggestions.closest(key, known);
  }

  static String abbreviate(String s) {
    return Suggestions.abbreviate(s);
  }

  static String oneLine(String s) {
    return Suggestions.oneLine(s);
  }

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
