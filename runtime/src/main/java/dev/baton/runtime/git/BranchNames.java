package dev.baton.runtime.git;

import java.util.regex.Pattern;

/**
 * The names of Baton's branches, all under {@code refs/heads/baton/} (the only refs the served
 * repository accepts pushes to).
 *
 * <p>A plan's integration branch is {@code baton/<plan>/integration}, not {@code baton/<plan>}: git
 * stores refs as paths, so a branch {@code baton/p} and a branch {@code baton/p/t} cannot both exist
 * ("cannot lock ref ... exists"). With the integration branch, the tasks' branches
 * ({@code baton/<plan>/tasks/<task>}) and the rolled-back heads ({@code baton/<plan>/rolled-back/<n>})
 * as siblings, no id can make two of them collide.
 */
public final class BranchNames {
  /** Plan and task ids that are safe as one path segment and one ref-name component. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

  public static final String PREFIX = "baton/";

  private BranchNames() {}

  public static String integration(String planId) {
    return PREFIX + id(planId, "plan id") + "/integration";
  }

  public static String task(String planId, String taskId) {
    return PREFIX + id(planId, "plan id") + "/tasks/" + id(taskId, "task id");
  }

  public static String rolledBack(String planId, int n) {
    return PREFIX + id(planId, "plan id") + "/rolled-back/" + n;
  }

  /** The id, when it can be a path segment and a ref-name component; else an IllegalArgumentException. */
  public static String id(String id, String what) {
    if (id == null || !ID.matcher(id).matches() || id.contains("..") || id.endsWith(".lock")
        || id.endsWith(".")) {
      throw new IllegalArgumentException(what + ": '" + id
          + "' (expected: 1-128 of A-Z a-z 0-9 . _ -, not starting with '.' or '-', without '..',"
          + " not ending with '.' or '.lock')");
    }
    return id;
  }

  /** The branch name, when git accepts it as one and it is one of Baton's. */
  public static String checkBatonBranch(String branch) {
    if (branch == null || !branch.startsWith(PREFIX) || branch.contains("..")
        || branch.contains("//") || branch.endsWith("/") || branch.endsWith(".lock")
        || !branch.chars().allMatch(c -> c > 32 && c < 127 && "~^:?*[\\".indexOf(c) < 0)) {
      throw new IllegalArgumentException("branch: '" + branch
          + "' (expected: a branch name under " + PREFIX + ")");
    }
    return branch;
  }
}
