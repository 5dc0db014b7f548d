package dev.baton.cli;

import dev.baton.master.plan.PlanCompiler;
import dev.baton.master.plan.PlanModel;
import dev.baton.v1.SubmitPlanRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --runner} and {@code --repo} of the commands that submit a plan: every droid of the plan
 * on one runner, and the repository the plan works on. A plan's relative {@code spec.repository.url}
 * (such as {@code todo-service} in examples/todo-service.yaml) is a directory next to the plan
 * file; it is sent as an absolute path, which a master started by {@code baton up} or {@code baton
 * demo} imports and serves.
 */
final class DroidRunOptions {
  @Option(names = "--runner", paramLabel = "RUNNER",
      description = "Run every droid of the plan on this runner: claude, droid, codex, scripted, sim"
          + " (the CLIs are found on PATH, or $BATON_CLAUDE_BIN, $BATON_DROID_BIN, $BATON_CODEX_BIN).")
  String runner;

  @Option(names = "--repo", paramLabel = "PATH|URL",
      description = "The repository the plan works on: a local directory (imported and served by a master"
          + " of baton up/demo) or a git URL; overrides spec.repository.url.")
  String repo;

  /** The submission of {@code yaml} (read from {@code planFile}, null for a built-in plan) with these options. */
  SubmitPlanRequest.Builder request(String yaml, Path planFile) {
    SubmitPlanRequest.Builder b = SubmitPlanRequest.newBuilder().setPlanYaml(yaml);
    if (runner != null) {
      if (!PlanModel.RUNNERS.contains(runner)) {
        throw CliException.invalidInput("--runner " + runner + " (expected one of: "
            + String.join(", ", PlanModel.RUNNERS) + ")");
      }
      b.setRunner(runner);
    }
    String url = repo != null ? repo : planRepository(yaml);
    if (url != null && isLocalPath(url)) {
      Path base = repo != null || planFile == null ? Path.of("") : planFile.toAbsolutePath().getParent();
      Path dir = base.resolve(url).toAbsolutePath().normalize();
      if (!Files.isDirectory(dir)) {
        throw CliException.invalidInput((repo != null ? "--repo " : "spec.repository.url: ") + url + " is not a"
            + " directory (" + dir + "; expected: a repository or directory, or a git URL)");
      }
      b.setRepositoryUrl(dir.toString());
    } else if (repo != null) {
      b.setRepositoryUrl(repo);
    }
    return b;
  }

  /** spec.repository.url as written, or null (a plan that does not parse is refused by the master). */
  private static String planRepository(String yaml) {
    try {
      var spec = PlanCompiler.parseYaml(yaml).getSpec();
      return spec.hasRepository() && !spec.getRepository().getUrl().isBlank() ? spec.getRepository().getUrl() : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Not a URL (scheme://, or scp-like user@host:path): a local path. */
  static boolean isLocalPath(String url) {
    return !url.contains("://") && !url.matches("[^/]+@[^/:]+:.*");
  }
}
