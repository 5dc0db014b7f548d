package dev.baton.bench.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The suite's output: markdown tables, ready to paste into BENCHMARKS.md. */
final class Report {
  private final StringBuilder out = new StringBuilder();
  private final List<String> sections = new ArrayList<>();
  /** Where each piece also goes as soon as it is measured (the command line), or null. */
  private final java.io.PrintStream echo;

  Report(java.io.PrintStream echo) {
    this.echo = echo;
  }

  private void add(String text) {
    out.append(text);
    if (echo != null) {
      echo.print(text);
      echo.flush();
    }
  }

  void section(String title, String note) {
    sections.add(title);
    add("\n### " + title + "\n\n");
    if (!note.isEmpty()) {
      add(note + "\n\n");
    }
  }

  void header(String... columns) {
    add("| " + String.join(" | ", columns) + " |\n|" + "---|".repeat(columns.length) + "\n");
  }

  void row(Object... cells) {
    StringBuilder row = new StringBuilder("|");
    for (Object c : cells) {
      row.append(' ').append(c instanceof Double d ? fmt(d) : String.valueOf(c)).append(" |");
    }
    add(row.append('\n').toString());
  }

  void line(String text) {
    add(text + "\n");
  }

  static String fmt(double d) {
    if (Double.isNaN(d)) {
      return "n/a";
    }
    double a = Math.abs(d);
    return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", d);
  }

  List<String> sections() {
    return List.copyOf(sections);
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
