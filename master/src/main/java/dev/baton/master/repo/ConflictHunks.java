package dev.baton.master.repo;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the conflicting regions in a file that {@code git merge-tree --write-tree} wrote with
 * conflict markers ({@code merge.conflictStyle=merge}, the default marker size of 7).
 */
final class ConflictHunks {
  /** Hunks named per file; the rest are counted. */
  static final int MAX_HUNKS_PER_FILE = 20;
  /** Characters kept of each side of a hunk. */
  static final int MAX_SIDE_CHARS = 4096;

  private ConflictHunks() {}

  record Found(List<MergeResult.Hunk> hunks, int omitted) {}

  static Found parse(String text) {
    List<MergeResult.Hunk> hunks = new ArrayList<>();
    int omitted = 0;
    int oursLine = 0; // lines of the integration branch's version seen so far
    int state = 0; // 0 outside, 1 ours, 2 theirs
    int start = 0;
    StringBuilder ours = new StringBuilder();
    StringBuilder theirs = new StringBuilder();
    boolean truncated = false;
    for (String line : text.split("\n", -1)) {
      if (state == 0 && isMarker(line, '<')) {
        state = 1;
        start = oursLine + 1;
        ours.setLength(0);
        theirs.setLength(0);
        truncated = false;
      } else if (state == 1 && isMarker(line, '=')) {
        state = 2;
      } else if (state == 2 && isMarker(line, '>')) {
        state = 0;
        if (hunks.size() < MAX_HUNKS_PER_FILE) {
          hunks.add(new MergeResult.Hunk(start, ours.toString(), theirs.toString(), truncated));
        } else {
          omitted++;
        }
      } else if (state == 1) {
        oursLine++;
        truncated |= append(ours, line);
      } else if (state == 2) {
        truncated |= append(theirs, line);
      } else {
        oursLine++;
      }
    }
    return new Found(hunks, omitted);
  }

  private static boolean isMarker(String line, char c) {
    if (line.length() < 7) {
      return false;
    }
    for (int i = 0; i < 7; i++) {
      if (line.charAt(i) != c) {
        return false;
      }
    }
    return line.length() == 7 || (c != '=' && line.charAt(7) == ' ');
  }

  private static boolean append(StringBuilder side, String line) {
    if (side.length() + line.length() + 1 > MAX_SIDE_CHARS) {
      side.append(line, 0, Math.max(0, Math.min(line.length(), MAX_SIDE_CHARS - side.length())));
      return true;
    }
    side.append(line).append('\n');
    return false;
  }
}
