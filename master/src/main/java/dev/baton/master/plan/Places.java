package dev.baton.master.plan;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each value of a plan was written: path ({@code spec.tasks[2].estimate}) to YAML line. Empty
 * for plans that arrive as protos, so messages then name the path alone.
 */
final class Places {
  static final Places NONE = new Places(Map.of());

  private final Map<String, Integer> lines;

  Places(Map<String, Integer> lines) {
    this.lines = lines;
  }

  static Places recorder() {
    return new Places(new HashMap<>());
  }

  void record(String path, int line) {
    lines.putIfAbsent(path, line);
  }

  /** The line of {@code path}, or 0 when unknown. */
  int line(String path) {
    return lines.getOrDefault(path, 0);
  }

  /**
   * {@code spec.tasks[2].estimate (line 14)}; {@code plan} for the root. A value that is missing
   * has no line: then the entry that should hold it is named, {@code (in the entry at line 12)}.
   */
  String at(String path) {
    String place = path.isEmpty() ? "plan" : path;
    Integer line = lines.get(path);
    if (line != null) {
      return place + " (line " + line + ")";
    }
    for (String parent = parent(path); !parent.isEmpty(); parent = parent(parent)) {
      Integer enclosing = lines.get(parent);
      if (enclosing != null) {
        return place + " (in the entry at line " + enclosing + ")";
      }
    }
    return place;
  }

  private static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut < 0 ? "" : path.substring(0, cut);
  }

  /** A refusal naming this place: {@code <place>: <problem>}. */
  PlanException fail(String path, String problem) {
    return new PlanException(path, at(path) + ": " + problem);
  }
}
