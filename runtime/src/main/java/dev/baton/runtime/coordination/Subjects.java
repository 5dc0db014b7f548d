package dev.baton.runtime.coordination;

/** Subscription patterns: an exact subject, a prefix ending in {@code *} ({@code api.*}), or {@code *}. */
public final class Subjects {
  private Subjects() {}

  public static boolean matches(String pattern, String subject) {
    if (pattern.endsWith("*")) {
      return subject.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return pattern.equals(subject);
  }

  /** Rejects an empty pattern, or one with {@code *} anywhere but at its end. */
  public static String validate(String pattern) {
    if (pattern == null || pattern.isBlank()) {
      throw new IllegalArgumentException("subject: '" + pattern + "' (expected: a subject, a prefix ending in *, or *)");
    }
    int star = pattern.indexOf('*');
    if (star >= 0 && star != pattern.length() - 1) {
      throw new IllegalArgumentException("subject: '" + pattern + "' (expected: * only at the end)");
    }
    return pattern;
  }
}
