package dev.baton.master.repo;

import dev.baton.master.engine.Integrations;
import dev.baton.master.plan.PlanModel;
import dev.baton.runtime.git.Git;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The master's git: a plan's repository is one the master serves ({@code <gitDir>/served/NAME.git},
 * reached by sub-orchestrators through {@link GitHttpServer}) and then worked on in place, or any
 * other remote, of which the master keeps a bare cache under {@code <gitDir>/caches} and pushes the
 * integration branch after each change.
 */
public final class GitIntegrations implements Integrations {
  /** Characters of a hunk's side put into a conflict's description. */
  static final int HUNK_SIDE_CHARS = 200;

  private final Path gitDir;
  private final Git git;
  private final GitHttpServer server;
  private final Map<String, Repository> open = new ConcurrentHashMap<>();
  private final java.util.function.LongSupplier epoch;

  @Override
  public long epoch() {
    return epoch.getAsLong();
  }

  /**
   * @param gitDir the master's git directory (caches, served repositories)
   * @param server the server of {@code <gitDir>/served}, or null when this master serves nothing
   */
  public GitIntegrations(Path gitDir, Git git, GitHttpServer server) {
    this(gitDir, git, server, () -> 0);
  }

  /** @param epoch the epoch this master leads under, 0 when none */
  public GitIntegrations(Path gitDir, Git git, GitHttpServer server, java.util.function.LongSupplier epoch) {
    this.epoch = epoch;
    this.gitDir = gitDir.toAbsolutePath().normalize();
    this.git = git;
    this.server = server;
  }

  /**
   * Where served repositories live: {@code NAME.git} here is served as {@code <server>/NAME.git}
   * ({@link LocalRemote} imports into it).
   */
  public static Path servedRoot(Path gitDir) {
    return gitDir.toAbsolutePath().normalize().resolve("repos");
  }

  @Override
  public Repository open(String url) throws Exception {
    Repository known = open.get(url);
    if (known != null) {
      return known;
    }
    Repository repo;
    Path served = served(url);
    if (served != null) {
      repo = new Adapter(IntegrationRepository.served(served, git), url);
    } else {
      repo = new Adapter(IntegrationRepository.cacheOf(gitDir.resolve("caches"), url, git), url);
    }
    open.put(url, repo);
    return repo;
  }

  /** The bare repository behind a URL this master serves, or null. */
  private Path served(String url) {
    if (server == null || !url.startsWith(server.baseUrl())) {
      return null;
    }
    String name = url.substring(server.baseUrl().length()).replaceFirst("^/", "");
    Path dir = servedRoot(gitDir).resolve(name).normalize();
    return dir.startsWith(servedRoot(gitDir)) && Files.isDirectory(dir) ? dir : null;
  }

  private record Adapter(IntegrationRepository repo, String url) implements Repository {
    @Override
    public String createIntegrationBranch(String planId, String baseBranch) throws Exception {
      return repo.createIntegrationBranch(planId, baseBranch);
    }

    @Override
    public Merge merge(String planId, String taskId, String taskCommit, PlanModel.MergeStrategy strategy,
        String message) throws Exception {
      MergeResult result = repo.merge(planId, taskId, taskCommit,
          strategy == PlanModel.MergeStrategy.REBASE ? IntegrationRepository.Strategy.REBASE
              : IntegrationRepository.Strategy.MERGE,
          message, Map.of("Baton-Plan", planId, "Baton-Task", taskId));
      if (result instanceof MergeResult.Merged m) {
        return new Merged(m.mergeCommit());
      }
      MergeResult.Conflicted c = (MergeResult.Conflicted) result;
      List<String> files = new ArrayList<>();
      List<String> hunks = new ArrayList<>();
      for (MergeResult.ConflictFile f : c.files()) {
        files.add(f.path());
        for (MergeResult.Hunk h : f.hunks()) {
          hunks.add(String.format(Locale.ROOT, "%s:%d: the integration branch has \"%s\", the task has \"%s\"",
              f.path(), h.startLine(), side(h.ours()), side(h.theirs())));
        }
        if (f.hunks().isEmpty()) {
          f.reasons().forEach(hunks::add);
        }
        if (f.hunksOmitted() > 0) {
          hunks.add(f.path() + ": " + f.hunksOmitted() + " more conflicting region(s)");
        }
      }
      return new Conflicted(files, hunks);
    }

    @Override
    public String resetTo(String planId, String commit) throws Exception {
      return repo.resetTo(planId, commit).preservedBranch();
    }

    @Override
    public Optional<String> readFile(String commit, String path) throws Exception {
      return repo.readFile(commit, path);
    }
  }

  private static String side(String text) {
    String one = text.strip().replace('\n', ' ');
    return one.length() > HUNK_SIDE_CHARS ? one.substring(0, HUNK_SIDE_CHARS) + "..." : one;
  }
}
