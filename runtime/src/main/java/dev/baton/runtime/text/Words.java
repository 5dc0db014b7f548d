package dev.baton.runtime.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits text into words for expertise matching (the master's load-balancing score, the
 * sub-orchestrator's droid choice). Both run on every delegation, so this is a scan, not a regex.
 */
public final class Words {
  private Words() {}

  /**
   * The lower-cased runs of ASCII letters and digits, in order, as splitting the lower-cased text
   * on {@code [^\p{Alnum}]+} and dropping empty strings would give.
   */
  public static List<String> of(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    List<String> words = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= lower.length(); i++) {
      char c = i < lower.length() ? lower.charAt(i) : ' ';
      boolean alnum = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z';
      if (alnum && start < 0) {
        start = i;
      } else if (!alnum && start >= 0) {
        words.add(lower.substring(start, i));
        start = -1;
      }
    }
    return words;
  }
}
