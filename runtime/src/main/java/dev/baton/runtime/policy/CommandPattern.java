package dev.baton.runtime.policy;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One allowed {@code run} or {@code verify} command. Three syntaxes, chosen by the policy file's
 * key: {@code exact} (the command as written, byte for byte), {@code glob} ({@code *} any run of
 * characters including spaces, slashes and newlines, {@code ?} one character, everything else
 * literal) and {@code regex} (a Java regular expression that must match the whole command).
 * A command is never trimmed or normalised before matching: {@code npm test; id} is not
 * {@code npm test}, and a glob {@code npm *} admits {@code npm x; id}, which is why the examples
 * prefer exact strings.
 */
public record CommandPattern(Syntax syntax, String pattern, Pattern compiled) {
  /** Longest pattern accepted. */
  public static final int MAX_LENGTH = 1_024;

  /** How a pattern is read. */
  public enum Syntax {
    EXACT, GLOB, REGEX;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static java.util.Optional<Syntax> parse(String word) {
      for (Syntax s : values()) {
        if (s.wireName().equals(word)) {
          return java.util.Optional.of(s);
        }
      }
      return java.util.Optional.empty();
    }
  }

  public CommandPattern {
    Objects.requireNonNull(syntax, "syntax");
    Objects.requireNonNull(pattern, "pattern");
  }

  /**
   * A pattern, compiled.
   *
   * @throws IllegalArgumentException naming the problem: empty, too long, a bad regular expression
   */
  public static CommandPattern of(Syntax syntax, String pattern) {
    if (pattern.isEmpty()) {
      throw new IllegalArgumentException("an empty pattern (expected: a command, a glob or a regex)");
    }
    if (pattern.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(pattern.length() + " characters (expected: at most " + MAX_LENGTH + ")");
    }
    Pattern compiled = switch (syntax) {
      case EXACT -> null;
      case GLOB -> Pattern.compile(globToRegex(pattern), Pattern.DOTALL);
      case REGEX -> {
        try {
          yield Pattern.compile(pattern, Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException("not a regular expression: " + e.getDescription()
              + " at index " + e.getIndex() + " (expected: a Java regex matching the whole command)");
        }
      }
    };
    return new CommandPattern(syntax, pattern, compiled);
  }

  /**
   * True when the whole command matches. A regular expression gets at most {@value #MAX_STEPS}
   * character reads: past that (catastrophic backtracking, from a careless policy or one a hostile
   * instance published to the master) the command does not match, which only refuses more.
   */
  public boolean matches(String command) {
    if (syntax == Syntax.EXACT) {
      return pattern.equals(command);
    }
    try {
      return compiled.matcher(new Bounded(command, MAX_STEPS)).matches();
    } catch (Bounded.Exhausted e) {
      return false;
    }
  }

  /** Character reads a regex or glob match may make. */
  public static final long MAX_STEPS = 1_000_000;

  /** A string that stops a matcher after a number of reads. */
  private static final class Bounded implements CharSequence {
    static final class Exhausted extends RuntimeException {
      private static final long serialVersionUID = 1L;

      Exhausted() {
        super("match too costly", null, false, false);
      }
    }

    private final String text;
    private final long[] left;

    Bounded(String text, long steps) {
      this(text, new long[] {steps});
    }

    private Bounded(String text, long[] left) {
      this.text = text;
      this.left = left;
    }

    @Override
    public char charAt(int index) {
      if (--left[0] < 0) {
        throw new Exhausted();
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new Bounded(text.substring(start, end), left);
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** As in messages: {@code glob 'npm run *'}. */
  @Override
  public String toString() {
    return syntax.wireName() + " '" + pattern + "'";
  }

  private static String globToRegex(String glob) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*' || c == '?') {
        if (!literal.isEmpty()) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (!literal.isEmpty()) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return regex.toString();
  }
}
