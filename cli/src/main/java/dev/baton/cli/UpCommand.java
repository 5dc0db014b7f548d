package dev.baton.cli;

import dev.baton.cli.mesh.LaunchedProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code baton up}: the master and the four sub-orchestrators on this machine until Ctrl-C. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = {
      "Starts the master and the four sub-orchestrators (frontend, backend, devops, testing) as separate",
      "processes on this machine, prints their addresses and runs until Ctrl-C."
    })
final class UpCommand implements Callable<Integer> {
  @Option(names = "--base-port", defaultValue = "7233",
      description = "The master's port; the orchestrators take the next four. 0 takes free ports (default: ${DEFAULT-VALUE}).")
  int basePort;

  @Option(names = "--dashboard-port", paramLabel = "PORT",
      description = "The master's web dashboard port (docs/dashboard.md); 0 takes a free one, -1 serves none"
          + " (default: " + DEFAULT_DASHBOARD_PORT + ", or a free port with --base-port 0).")
  Integer dashboardPort;

  /** The dashboard's port unless told otherwise: the gRPC port 7233's neighbour in Temporal's fashion. */
  static final int DEFAULT_DASHBOARD_PORT = 8233;

  @Mixin RegistryOptions registry = new RegistryOptions();

  @Option(names = "--run-dir", paramLabel = "DIR",
      description = "Where each process's log goes (default: $TMPDIR/baton-runs/<time>-<pid>).")
  Path runDir;

  @Option(names = "--repo", paramLabel = "PATH",
      description = "A local repository or directory the master serves to the sub-orchestrators; its URL is"
          + " printed, for spec.repository.url or baton submit --repo URL.")
  Path repo;

  /** Exit statuses of a JVM ended by SIGINT (Ctrl-C) or SIGTERM: 128 + the signal's number. */
  private static final int SIGINT_EXIT = 130;
  private static final int SIGTERM_EXIT = 143;
  /** Times a master that died is started again before the mesh gives up. */
  static final int MAX_MASTER_RESTARTS = 5;

  /** Imports {@code --repo} into the master's served repositories; returns its URL. */
  private String serve(LocalMesh local) {
    String base = local.mesh().master().readyLine().git();
    if (base.isEmpty()) {
      throw CliException.invalidInput("--repo " + repo + ": the master serves no repositories");
    }
    try {
      Path bare = dev.baton.master.repo.LocalRemote.create(repo, local.runDir().resolve("git"),
          new dev.baton.runtime.git.Git());
      return base.replaceFirst("/+$", "") + "/" + bare.getFileName();
    } catch (dev.baton.runtime.git.GitException e) {
      throw CliException.invalidInput("--repo " + repo + ": " + e.getMessage());
    }
  }

  @Override
  public Integer call() throws Exception {
    if (basePort < 0 || basePort > 65_530) {
      throw CliException.invalidInput("--base-port: " + basePort + " (expected: 0..65530)");
    }
    int dashboard = dashboardPort != null ? dashboardPort : basePort == 0 ? 0 : DEFAULT_DASHBOARD_PORT;
    if (dashboard < -1 || dashboard > 65_535) {
      throw CliException.invalidInput("--dashboard-port: " + dashboard
          + " (expected: a port 1..65535, 0 for a free one, or -1 for none)");
    }
    try (LocalMesh local = LocalMesh.start(basePort, runDir == null ? LocalMesh.defaultRunDir() : runDir, System.out,
        registry.settings(), dashboard)) {
      System.out.println("mesh up:");
      local.printAddresses(System.out);
      System.out.println("submit a plan with: baton submit examples/ecommerce.yaml --watch --time-scale 0.001 --master "
          + local.mesh().masterAddress() + local.clientFlags());
      if (local.pki() != null) {
        System.out.println("TLS on every hop; certificates and the CA in " + local.pki().dir()
            + " (or export BATON_TLS_CA, BATON_TLS_CERT, BATON_TLS_KEY)");
      }
      if (repo != null) {
        String url = serve(local);
        System.out.println("repository " + repo + " served at " + url + ": submit plans on it with --repo " + url);
      }
      System.out.println("press Ctrl-C to stop");
      System.out.flush();
      // Runs until Ctrl-C (the shutdown hook stops the children) or until a child dies on its own.
      // A master that dies is started again on its port and journal (its plans resume), a few times.
      int restarts = 0;
      while (true) {
        List<CompletableFuture<LaunchedProcess>> exits = new ArrayList<>();
        exits.add(local.mesh().master().onExit());
        local.mesh().orchestrators().values().forEach(o -> exits.add(o.onExit()));
        LaunchedProcess died = (LaunchedProcess) CompletableFuture.anyOf(exits.toArray(CompletableFuture[]::new)).get();
        int status = died.exitValue();
        if (status == SIGINT_EXIT || status == SIGTERM_EXIT || status == ExitCodes.OK) {
          // Ctrl-C reaches the whole process group: the children stop alongside this JVM. A server
          // exits 0 only when asked to stop (SIGTERM, after its drain: ServerProcess), never on a crash.
          return status;
        }
        if (died == local.mesh().master() && restarts < MAX_MASTER_RESTARTS) {
          restarts++;
          System.err.println("baton: the master exited (status " + status + "); starting it again on "
              + local.mesh().masterAddress() + " with its journal (restart " + restarts + " of " + MAX_MASTER_RESTARTS
              + "; see " + died.logFile() + ")");
          local.restartMaster();
          System.err.println("baton: master back, pid " + local.mesh().master().pid());
          continue;
        }
        System.err.println("baton: " + died.name() + " exited on its own (status " + status
            + "); stopping the mesh (see " + died.logFile() + ")");
        return ExitCodes.PLAN_FAILED;
      }
    }
  }
}
