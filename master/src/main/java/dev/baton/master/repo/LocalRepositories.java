package dev.baton.master.repo;

import dev.baton.master.plan.PlanModel;
import dev.baton.runtime.git.Git;
import dev.baton.runtime.git.GitException;
import dev.baton.runtime.server.BatonException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a plan's repository given as a local directory (what {@code baton demo} and {@code baton
 * submit} send for {@code repository: {url: todo-service}} or {@code --repo PATH}) into a repository
 * this master serves: the directory is imported once per master process as a bare repository under
 * the served root ({@link LocalRemote}), and the plan's URL becomes the served one, which
 * sub-orchestrators on any machine can reach.
 *
 * <p>Only a master started with {@code --import-local-repos} does this (the ones {@code baton up}
 * and {@code baton demo} start): otherwise any caller could make the master serve any directory it
 * can read. Anything that is not an absolute local path is left as it is.
 */
public final class LocalRepositories {
  private final boolean enabled;
  private final Path gitDir;
  private final Git git;
  private final GitHttpServer server;
  private final Map<Path, String> imported = new ConcurrentHashMap<>();

  public LocalRepositories(boolean enabled, Path gitDir, Git git, GitHttpServer server) {
    this.enabled = enabled;
    this.gitDir = gitDir;
    this.git = git;
    this.server = server;
  }

  /** The plan with a local directory's repository replaced by the served import of it. */
  public PlanModel.Plan resolve(PlanModel.Plan plan) {
    if (plan.agents().repository().isEmpty()) {
      return plan;
    }
    PlanModel.Repository r = plan.agents().repository().get();
    if (!r.url().startsWith("/")) {
      return plan;
    }
    Path source = Path.of(r.url()).normalize();
    if (!enabled || server == null) {
      throw BatonException.invalidArgument("spec.repository.url: local path " + source + " refused: this master does"
          + " not serve local directories (start it with --import-local-repos, or give the URL of a git remote)");
    }
    if (!Files.isDirectory(source)) {
      throw BatonException.invalidArgument("spec.repository.url: " + source + " is not a directory on the master's"
          + " machine (expected: a repository or a plain directory to import, or a git remote URL)");
    }
    String url = imported.computeIfAbsent(source, s -> {
      try {
        Path bare = LocalRemote.create(s, gitDir, git);
        return server.url(bare.getFileName().toString());
      } catch (GitException e) {
        throw BatonException.invalidArgument("spec.repository.url: cannot import " + s + ": " + e.getMessage());
      }
    });
    PlanModel.Repository served = new PlanModel.Repository(url, r.baseBranch(), r.merge(), r.setupSubmodules(),
        r.setupCopy(), r.setupCommand());
    PlanModel.Agents agents = new PlanModel.Agents(java.util.Optional.of(served), plan.agents().budget(),
        plan.agents().runner());
    return new PlanModel.Plan(plan.name(), plan.description(), plan.strategy(), plan.synchronization(),
        plan.failureHandling(), plan.delegationPolicy(), plan.deadline(), plan.context(), plan.tasks(),
        plan.syncPoints(), plan.retry(), plan.analysis(), agents);
  }
}
