package dev.baton.cli;

import dev.baton.runtime.text.Lines;
import dev.baton.master.repo.GitIntegrations;
import dev.baton.master.repo.IntegrationRepository;
import dev.baton.runtime.git.Git;
import dev.baton.runtime.git.GitException;
import dev.baton.v1.PlanStatus;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The integration branch's history after a demo: one line per merge, oldest last, as git log shows it. */
final class IntegrationLog {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private IntegrationLog() {}

  /** Prints the log when the plan had a repository that the mesh under {@code runDir} served. */
  static void print(PlanStatus status, Path runDir, PrintStream out) {
    if (status.getIntegrationBranch().isEmpty()) {
      return;
    }
    String url = status.getRepositoryUrl();
    Path served = GitIntegrations.servedRoot(runDir.resolve("git")).resolve(url.substring(url.lastIndexOf('/') + 1));
    out.println();
    out.println("  git log --first-parent " + status.getIntegrationBranch() + " (" + url + "):");
    if (!Files.isDirectory(served)) {
      out.println("    (not a repository this mesh served: read it with git log on " + url + ")");
      return;
    }
    try {
      for (IntegrationRepository.LogEntry e : IntegrationRepository.served(served, new Git())
          .log(status.getIntegrationBranch(), 50)) {
        out.println("    " + Lines.shortSha(e.commit()) + " " + TIME.format(e.time()) + " " + e.subject());
      }
      out.println("  the repository stays in " + served + " (git clone " + served + ")");
    } catch (GitException e) {
      out.println("    (cannot read it: " + e.getMessage() + ")");
    }
  }
}
