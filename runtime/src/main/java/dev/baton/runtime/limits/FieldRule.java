package dev.baton.runtime.limits;

import java.util.regex.Pattern;

/**
 * The bound of one proto field: for text its size in UTF-8 bytes and optionally a pattern, for a
 * list or map its number of entries, for a number its range. A rule not set on an aspect takes
 * {@link MessageBounds}' default for it.
 *
 * @param maxBytes most UTF-8 bytes of a string (or of each value of a map of strings); 0: default
 * @param maxItems most entries of a repeated field or map; 0: default
 * @param pattern what a non-empty string must match, or null
 * @param patternHint what the pattern means, for the message (e.g. {@code [a-z0-9-], 1..128 characters})
 * @param min least value of a number (inclusive)
 * @param max greatest value of a number (inclusive)
 */
public record FieldRule(int maxBytes, int maxItems, Pattern pattern, String patternHint, double min, double max) {
  /** Text of at most {@code maxBytes} bytes. */
  public static FieldRule text(int maxBytes) {
    return new FieldRule(maxBytes, 0, null, null, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  /** Text matching {@code regex} (when not empty), at most {@code maxBytes} bytes. */
  public static FieldRule pattern(String regex, String hint, int maxBytes) {
    return new FieldRule(maxBytes, 0, Pattern.compile(regex), hint, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  /** A list or map of at most {@code maxItems} entries. */
  public static FieldRule items(int maxItems) {
    return new FieldRule(0, maxItems, null, null, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  /** A number in {@code [min, max]} (and finite, as every number is). */
  public static FieldRule range(double min, double max) {
    return new FieldRule(0, 0, null, null, min, max);
  }

  /** This rule's number of entries and size per entry both bounded: a map of documents. */
  public FieldRule withItems(int items) {
    return new FieldRule(maxBytes, items, pattern, patternHint, min, max);
  }
}
