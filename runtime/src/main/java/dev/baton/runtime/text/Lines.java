package dev.baton.runtime.text;

/** The one line of some output that a message quotes: ": <line>", cut at 200 characters, or "". */
public final class Lines {
  /** Characters of a quoted line. */
  static final int MAX = 200;

  private Lines() {}

  /** ": " and the first non-blank line of {@code text}, or "" when there is none. */
  public static String firstAsDetail(String text) {
    String trimmed = text == null ? "" : text.strip();
    int nl = trimmed.indexOf('\n');
    return detail(nl < 0 ? trimmed : trimmed.substring(0, nl));
  }

  /** ": " and the last non-blank line of {@code text}, or "" when there is none. */
  public static String lastAsDetail(String text) {
    String trimmed = text == null ? "" : text.strip();
    return detail(trimmed.substring(trimmed.lastIndexOf('\n') + 1));
  }

  /** A commit id as people read it: its first 10 characters. */
  public static String shortSha(String sha) {
    return sha.length() > 10 ? sha.substring(0, 10) : sha;
  }

  private static String detail(String line) {
    if (line.isEmpty()) {
      return "";
    }
    return ": " + (line.length() > MAX ? line.substring(0, MAX) + "..." : line);
  }
}
