package dev.baton.runtime.limits;

/**
 * Keeps SnakeYAML's parsing time linear in its input.
 *
 * <p>SnakeYAML's {@code StreamReader} reads 1,024 characters at a time and, on every refill,
 * copies the part of its window not yet consumed; a scanner consumes a scalar only at a space,
 * a line break or a flow indicator, so a run of N characters without one costs N/1024 copies of up
 * to N code points: quadratic (a 4 MB word took 4.9 s, 10 MB 40.6 s; BENCHMARKS.md, issue 11).
 * Bounding the longest run of non-blank characters bounds that cost: at {@link #MAX_RUN} (64 KiB)
 * a run costs about 2 million copied code points, and a 1 MiB document of such runs about 30 ms.
 * Text with spaces or line breaks (descriptions, block scalars, documents) is not affected.
 */
public final class YamlCost {
  /** The longest run of characters without a space, tab or line break that a YAML input may hold. */
  public static final int MAX_RUN = 64 * 1024;

  private YamlCost() {}

  /**
   * Refuses {@code text} when it holds a run of more than {@link #MAX_RUN} non-blank characters.
   *
   * @param what names the input in the message, e.g. {@code plan}
   * @throws BoundsException naming the line of the run, its length and the bound
   */
  public static void checkRuns(String what, String text) {
    int run = 0;
    int line = 1;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        run = 0;
        if (c == '\n') {
          line++;
        }
      } else if (++run > MAX_RUN) {
        int end = i;
        while (end < n && !Character.isWhitespace(text.charAt(end))) {
          end++;
        }
        int length = end - i + MAX_RUN;
        throw new BoundsException(what, what + " (line " + line + "): a run of " + length
            + " characters without a space or line break (expected: at most " + MAX_RUN
            + "; break long values over lines with a YAML block scalar '|' or '>')");
      }
    }
  }
}
