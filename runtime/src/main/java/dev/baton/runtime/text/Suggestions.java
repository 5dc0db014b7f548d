package dev.baton.runtime.text;

import java.util.List;
import java.util.Locale;

/** "Did you mean ...?": the known name nearest to a misspelt one, for messages that name the fix. */
public final class Suggestions {
  private Suggestions() {}

  /**
   * The known name nearest to {@code key} by edit distance (ignoring case, '_' and '-'), or null
   * when none is close (more than a third of the key's length, and more than 2, away).
   */
  public static String closest(String key, List<String> known) {
    String k = squash(key);
    int limit = Math.max(2, k.length() / 3);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      String c = squash(candidate);
      // The distance is at least the difference in length: skip candidates that cannot be close,
      // so an untrusted key of a megabyte costs a comparison of lengths per name, not a
      // megabyte-by-name table each (a plan's unknown dependency against 100,000 task ids).
      if (Math.abs(k.length() - c.length()) > limit) {
        continue;
      }
      int d = distance(k, c);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= limit ? best : null;
  }

  /** One line, at most 60 characters (cut with "..."). */
  public static String abbreviate(String s) {
    String one = oneLine(s);
    return one.length() <= 60 ? one : one.substring(0, 57) + "...";
  }

  /** The text stripped, its line breaks (and the blanks around them) folded into single spaces. */
  public static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
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
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
