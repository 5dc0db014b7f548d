package dev.baton.runtime.droid.definition;

/**
 * A definition file that cannot be used, with where and why: the message reads
 * {@code FILE:LINE: FIELD: PROBLEM (expected: ...)} so a person can go to the line and fix it.
 */
public final class DroidDefinitionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final String field;
  private final String problem;

  /**
   * @param line 1-based line in the file, 0 when the problem is the whole file
   * @param field the frontmatter field ("budget.wall"), or empty
   */
  public DroidDefinitionException(String file, int line, String field, String problem) {
    super(format(file, line, field, problem));
    this.file = file;
    this.line = line;
    this.field = field == null ? "" : field;
    this.problem = problem;
  }

  public DroidDefinitionException(String file, int line, String field, String problem, Throwable cause) {
    this(file, line, field, problem);
    initCause(cause);
  }

  private static String format(String file, int line, String field, String problem) {
    return file + (line > 0 ? ":" + line : "") + ": "
        + (field == null || field.isEmpty() ? "" : field + ": ") + problem;
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  public String field() {
    return field;
  }

  public String problem() {
    return problem;
  }
}
