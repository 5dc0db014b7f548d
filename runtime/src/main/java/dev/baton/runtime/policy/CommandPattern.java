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

  public boolean matches(String command) {
    return syntax == Syntax.EXACT ? pattern.equals(command) : compiled.matcher(command).matches();
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
