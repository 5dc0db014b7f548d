package dev.baton.cli;

import java.util.Collection;

/**
 * How the progress view lays out its lines on a terminal {@code columns} wide: one label column
 * (the longest label), then the same bar width for every line, the percentage, the tasks done
 * against the tasks of that line, and what is running, cut to what is left of the line.
 *
 * <pre>{@code
 * backend   │██████████▊          │  45%   3/7   api, auth
 * overall   │████▌                │  21%   4/19  sync: Integration Testing
 * }</pre>
 *
 * <p>Every line stays at most {@code columns - 1} characters, so no terminal ever wraps it (a
 * wrapped line is what leaves stale bars behind on a redraw). On a narrow terminal the message
 * goes first, then the bar shrinks to {@link #MIN_BAR}, then the label is cut.
 *
 * @param labelWidth width of the label column
 * @param barWidth cells of every bar
 * @param countWidth width of the {@code done/total} column
 * @param columns the terminal's width this layout was made for
 * @param unicode block characters (eighths of a cell) rather than ASCII {@code #}
 */
record BarLayout(int labelWidth, int barWidth, int countWidth, int columns, boolean unicode) {
  static final int MIN_BAR = 4;
  static final int MAX_BAR = 50;
  /** Room the running tasks' names get before the bar takes more than its minimum share. */
  static final int MESSAGE_ROOM = 24;
  private static final String EIGHTHS = " ▏▎▍▌▋▊▉";

  /**
   * The layout for these labels and the largest task count of any line, on a terminal
   * {@code columns} wide (at least 20 is assumed: narrower terminals are treated as 20).
   */
  static BarLayout of(Collection<String> labels, int maxTotal, int columns, boolean unicode) {
    int cols = Math.max(20, columns);
    int label = labels.stream().mapToInt(String::length).max().orElse(0);
    int digits = String.valueOf(Math.max(1, maxTotal)).length();
    int count = 2 * digits + 1;
    // label, space, │bar│, space, "100%", two spaces, done/total, two spaces, message
    int fixed = label + 1 + 2 + 1 + 4 + 2 + count + 2;
    int bar = Math.max(MIN_BAR, Math.min(MAX_BAR, cols - 1 - fixed - MESSAGE_ROOM));
    return new BarLayout(label, bar, count, cols, unicode);
  }

  /** One line: never longer than {@code columns - 1}. */
  String line(String label, double doneTasks, int totalTasks, String message) {
    double fraction = totalTasks <= 0 ? 0 : Math.max(0, Math.min(1, doneTasks / totalTasks));
    StringBuilder b = new StringBuilder(columns);
    b.append(pad(label, labelWidth)).append(' ');
    b.append(unicode ? '│' : '|').append(bar(fraction)).append(unicode ? '│' : '|');
    b.append(' ').append(String.format("%3d%%", (int) Math.floor(fraction * 100)));
    String count = (int) Math.floor(doneTasks + 1e-9) + "/" + totalTasks;
    b.append("  ").append(pad(count, countWidth));
    if (message != null && !message.isEmpty()) {
      b.append("  ").append(message);
    }
    return cut(b.toString());
  }

  private String bar(double fraction) {
    double filled = fraction * barWidth;
    int full = (int) Math.floor(filled);
    StringBuilder s = new StringBuilder(barWidth);
    s.append(String.valueOf(unicode ? '█' : '#').repeat(full));
    if (full < barWidth) {
      int eighths = (int) Math.floor((filled - full) * 8);
      s.append(unicode ? EIGHTHS.charAt(eighths) : (eighths >= 4 ? '=' : ' '));
      s.append(" ".repeat(barWidth - full - 1));
    }
    return s.toString();
  }

  /** Trailing blanks off, then cut to {@code columns - 1}. */
  private String cut(String s) {
    String line = s.stripTrailing();
    return line.length() < columns ? line : line.substring(0, columns - 1);
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
