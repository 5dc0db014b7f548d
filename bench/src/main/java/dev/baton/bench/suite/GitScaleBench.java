package dev.baton.bench.suite;

import dev.baton.master.repo.IntegrationRepository;
import dev.baton.master.repo.MergeResult;
import dev.baton.runtime.git.Git;
import dev.baton.runtime.git.GitException;
import dev.baton.runtime.git.PreparedWorkspace;
import dev.baton.runtime.git.TaskWorkspaces;
import dev.baton.v1.RepositoryCheckout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Figure 6: git at repository scale. On a generated repository of N files: a task's worktree
 * ({@link TaskWorkspaces#prepare}) on a cold cache (the bare clone included) and on a warm one; the
 * master's merge of a task commit ({@link IntegrationRepository#merge}, merge-tree, nothing checked
 * out); and the disk one running task costs (its worktree and its index in the cache) beside the
 * shared bare cache and beside what a clone per task would cost.
 */
final class GitScaleBench {
  private GitScaleBench() {}

  static void run(Report report, List<Integer> sizes, int history, boolean quick) throws IOException, GitException {
    int cold = quick ? 1 : 3;
    int warm = quick ? 3 : 20;
    int merges = quick ? 3 : 50;
    report.section("6. Git at repository scale", "Generated repository (`git fast-import`: N files of 3 lines,"
        + " 1,000 per directory, then " + history + " commits each rewriting 1 % of the files with 2 KiB of random"
        + " hex), remote = a bare repository on local disk (file:// URL)."
        + " Prepare = `TaskWorkspaces.prepare` until the worktree is checked out; cold = a new sub-orchestrator"
        + " root (bare clone into the cache included, " + cold + " runs), warm = the cache has the commit ("
        + warm + " prepares, each worktree released before the next). Merge = `IntegrationRepository.merge`"
        + " (strategy merge) of a task commit editing 3 files into the integration branch (" + merges
        + " tasks, each on top of the previous merges). Times in ms.");
    report.header("files", "generate s", "prepare cold p50 / max", "prepare warm p50 / p99",
        "merge p50 / p99");
    List<String[]> disk = new ArrayList<>();
    for (int files : sizes) {
      Path tmp = Files.createTempDirectory("baton-bench-git");
      try {
        long t0 = System.nanoTime();
        Path origin = GitRepos.bare(tmp.resolve("origin.git"), files, history);
        double generate = (System.nanoTime() - t0) / 1e9;
        String url = origin.toUri().toString();
        String base = GitRepos.git(origin, "rev-parse", GitRepos.BRANCH).strip();
        RepositoryCheckout checkout = RepositoryCheckout.newBuilder().setUrl(url).setBaseCommit(base).build();

        List<Double> coldMs = new ArrayList<>();
        for (int i = 0; i < cold; i++) {
          TaskWorkspaces ws = new TaskWorkspaces(TaskWorkspaces.Settings.defaults(tmp.resolve("cold-" + i)),
              Clock.systemUTC());
          long s = System.nanoTime();
          PreparedWorkspace w = ws.prepare("bench", "cold", 1, checkout);
          coldMs.add((System.nanoTime() - s) / 1e6);
          w.release(true);
          GitRepos.deleteTree(tmp.resolve("cold-" + i));
        }

        TaskWorkspaces ws = new TaskWorkspaces(TaskWorkspaces.Settings.defaults(tmp.resolve("sub")),
            Clock.systemUTC());
        ws.prepare("bench", "warmup", 1, checkout).release(true);
        List<Double> warmMs = new ArrayList<>();
        long[] worktree = null;
        for (int i = 0; i < warm; i++) {
          long s = System.nanoTime();
          PreparedWorkspace w = ws.prepare("bench", "task" + i, 1, checkout);
          warmMs.add((System.nanoTime() - s) / 1e6);
          if (i == 0) {
            worktree = sum(GitRepos.du(w.path()),
                GitRepos.du(ws.cache().pathFor(url).resolve("worktrees").resolve(w.path().getFileName())));
          }
          w.release(true);
        }
        long[] cache = GitRepos.du(ws.cache().pathFor(url));

        IntegrationRepository repo = IntegrationRepository.served(origin, new Git());
        repo.createIntegrationBranch("bench", GitRepos.BRANCH);
        List<String> commits = GitRepos.taskCommits(origin, files, merges, 3);
        List<Double> mergeMs = new ArrayList<>();
        for (int t = 0; t < merges; t++) {
          long s = System.nanoTime();
          MergeResult r = repo.merge("bench", "task" + t, commits.get(t), IntegrationRepository.Strategy.MERGE,
              "Merge task " + t, Map.of());
          mergeMs.add((System.nanoTime() - s) / 1e6);
          if (!(r instanceof MergeResult.Merged)) {
            throw new IllegalStateException("task " + t + " did not merge cleanly: " + r);
          }
        }

        Clone full = clone(tmp, "full", "git", "clone", "--quiet", "--no-hardlinks", url, "full");
        Clone reference = clone(tmp, "reference", "git", "clone", "--quiet", "--reference",
            ws.cache().pathFor(url).toString(), url, "reference");
        Clone shared = clone(tmp, "shared", "git", "clone", "--quiet", "--shared", origin.toString(), "shared");

        report.row(files, generate, pair(Stats.percentile(coldMs, 50), Stats.percentile(coldMs, 100)),
            pair(Stats.percentile(warmMs, 50), Stats.percentile(warmMs, 99)),
            pair(Stats.percentile(mergeMs, 50), Stats.percentile(mergeMs, 99)));
        disk.add(new String[] {Integer.toString(files), mib(worktree), mib(cache), clone(full), clone(reference),
            clone(shared)});
      } finally {
        GitRepos.deleteTree(tmp);
      }
    }
    report.line("");
    report.line("Disk: MiB allocated (`du -B1`), apparent size in brackets. A running task costs its worktree"
        + " (checked-out files, `.git` file) plus its index under the cache's `worktrees/`; the bare cache is"
        + " shared by every task of the remote. Beside it, one clone per task: a full clone (file:// URL,"
        + " objects copied), `--reference` to the cache and `--shared` (objects borrowed through alternates;"
        + " checkout included), with the time each took.");
    report.line("");
    report.header("files", "per task: worktree + index", "shared bare cache (once per remote)", "full clone (time)",
        "clone --reference (time)", "clone --shared (time)");
    for (String[] row : disk) {
      report.row((Object[]) row);
    }
  }

  private record Clone(long[] bytes, double seconds) {}

  private static Clone clone(Path tmp, String dir, String... cmd) throws IOException {
    long s = System.nanoTime();
    GitRepos.run(tmp, List.of(cmd));
    double seconds = (System.nanoTime() - s) / 1e9;
    Clone c = new Clone(GitRepos.du(tmp.resolve(dir)), seconds);
    GitRepos.deleteTree(tmp.resolve(dir));
    return c;
  }

  private static String clone(Clone c) {
    return mib(c.bytes()) + " (" + Report.fmt(c.seconds()) + " s)";
  }

  private static long[] sum(long[] a, long[] b) {
    return new long[] {a[0] + b[0], a[1] + b[1]};
  }

  private static String mib(long[] bytes) {
    return Report.fmt(bytes[0] / 1048576.0) + " [" + Report.fmt(bytes[1] / 1048576.0) + "]";
  }

  private static String pair(double a, double b) {
    return Report.fmt(a) + " / " + Report.fmt(b);
  }
}
