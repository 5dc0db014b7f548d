package dev.baton.master.repo;

import java.util.List;

/** What merging a task's commit into the integration branch did. */
public sealed interface MergeResult permits MergeResult.Merged, MergeResult.Conflicted {

  /** The integration branch moved to {@code mergeCommit} (or was there already: the task was merged before). */
  record Merged(String mergeCommit) implements MergeResult {}

  /** Nothing moved: these files conflict. */
  record Conflicted(List<ConflictFile> files) implements MergeResult {
    public Conflicted {
      files = List.copyOf(files);
    }
  }

  /**
   * A conflicted file.
   *
   * @param path the file's path in the repository
   * @param reasons git's messages about it ("CONFLICT (content): Merge conflict in api.yaml",
   *     "CONFLICT (modify/delete): ...")
   * @param hunks its conflicting regions, at most {@link ConflictHunks#MAX_HUNKS_PER_FILE}; empty for a
   *     conflict that is not about content (modify/delete, binary)
   * @param hunksOmitted hunks left out past the bound
   */
  record ConflictFile(String path, List<String> reasons, List<Hunk> hunks, int hunksOmitted) {
    public ConflictFile {
      reasons = List.copyOf(reasons);
      hunks = List.copyOf(hunks);
    }
  }

  /**
   * One conflicting region.
   *
   * @param startLine 1-based line of the region in the integration branch's version of the file
   * @param ours the integration branch's lines (bounded to {@link ConflictHunks#MAX_SIDE_CHARS})
   * @param theirs the task's lines (bounded likewise)
   * @param truncated whether a side was cut at the bound
   */
  record Hunk(int startLine, String ours, String theirs, boolean truncated) {}
}
