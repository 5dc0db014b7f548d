package dev.baton.cli;

import dev.baton.cli.mesh.LaunchedProcess;
import dev.baton.cli.mesh.Mesh;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.cli.mesh.MeshPki;
import java.util.List;
import dev.baton.runtime.registry.ConsulSettings;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The mesh of {@code baton up} and {@code baton demo}: five child processes that are stopped when
 * this JVM ends, however it ends (a shutdown hook here; {@code --parent-pid} in the children).
 */
final class LocalMesh implements AutoCloseable {
  /** The run directory's PKI: ca.pem, master.pem, user.pem, one pair per orchestrator. */
  static final String PKI_DIR = "pki";
  private final MeshLauncher launcher;
  private final Thread hook;
  private Mesh mesh;
  private final Path runDir;

  private LocalMesh(MeshLauncher launcher, Thread hook, Mesh mesh) {
    this.launcher = launcher;
    this.runDir = launcher.options().runDir();
    this.hook = hook;
    this.mesh = mesh;
  }

  static Path defaultRunDir() {
    return MeshLauncher.Options.newRunDir(Path.of(System.getProperty("java.io.tmpdir"), "baton-runs"));
  }

  /**
   * Starts the master on {@code basePort} (0: any) and the four sub-orchestrators, registering in
   * Consul when {@code consul} is not null.
   */
  static LocalMesh start(int basePort, Path runDir, PrintStream out, ConsulSettings consul) {
    return start(basePort, runDir, out, consul, -1);
  }

  /** As {@link #start(int, Path, PrintStream, ConsulSettings)}, the master serving its dashboard on {@code dashboardPort} (-1: none; 0: a free port). */
  static LocalMesh start(int basePort, Path runDir, PrintStream out, ConsulSettings consul, int dashboardPort) {
    // TLS on every hop with an ephemeral CA in the run directory
    MeshLauncher.Options options = MeshLauncher.Options.in(runDir).withConsul(consul)
        .withTls(MeshPki.in(runDir.resolve(PKI_DIR)));
    if (dashboardPort >= 0) {
      options = options.withMasterArgs(List.of("--dashboard-port", Integer.toString(dashboardPort)));
    }
    MeshLauncher launcher = new MeshLauncher(options);
    Thread hook = new Thread(launcher::close, "baton-mesh-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("starting the master and " + MeshLauncher.DOMAINS.size() + " sub-orchestrators"
        + (options.tls() != null ? " on mutual TLS (CA and certificates in " + options.tls().dir() + ")" : "")
        + " (logs in " + runDir + ")...");
    out.flush();
    try {
      return new LocalMesh(launcher, hook, launcher.startMesh(basePort));
    } catch (RuntimeException e) {
      launcher.close();
      removeHook(hook);
      throw new CliException(ExitCodes.PLAN_FAILED, "the mesh did not start: " + e.getMessage(), e);
    }
  }

  /** Logs, workspaces and the master's git directory ({@code git/}) live here. */
  Path runDir() {
    return runDir;
  }

  Mesh mesh() {
    return mesh;
  }

  /** The mesh's PKI, or null when it runs plaintext. */
  MeshPki pki() {
    return launcher.options().tls();
  }

  /** A client of this mesh's master, over TLS with the local user's certificate when the mesh has TLS. */
  MasterClient client() {
    return MasterClient.connect(List.of(HostPort.parse("--master", mesh.masterAddress())), RetryPolicy.DEFAULT,
        launcher.clientSecurity());
  }

  /** The flags a CLI command needs to reach this mesh's master, after {@code --master ADDRESS}. */
  String clientFlags() {
    MeshPki pki = pki();
    if (pki == null) {
      return "";
    }
    var user = pki.user();
    return " --tls-ca " + user.caBundle() + " --tls-cert " + user.certChain() + " --tls-key " + user.privateKey();
  }

  /**
   * Starts the master again on its port and its journal after it died: its plans resume where
   * they stood, and the sub-orchestrators, which kept running their tasks, reconnect to it.
   */
  LaunchedProcess restartMaster() {
    String address = mesh.masterAddress();
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    LaunchedProcess master = launcher.startMaster(port);
    mesh = new Mesh(master, mesh.orchestrators());
    return master;
  }

  void printAddresses(PrintStream out) {
    out.printf("  %-13s %-21s pid %-7d %s%n", "master", mesh.masterAddress(), mesh.master().pid(),
        mesh.master().readyLine().id());
    for (LaunchedProcess o : mesh.orchestrators().values()) {
      out.printf("  %-13s %-21s pid %-7d %s%n", o.name(), o.address(), o.pid(), o.readyLine().id());
    }
    dashboardUrl().ifPresent(url -> out.println("dashboard: " + url + (pki() == null ? ""
        : "  (sign in with the token in " + pki().dashboardTokenFile() + "; the certificate is signed by the mesh's CA "
            + pki().caFile() + ")")));
    out.flush();
  }

  /** The master's web dashboard, when it serves one. */
  java.util.Optional<String> dashboardUrl() {
    String url = mesh.master().readyLine().dashboard();
    return url.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(url);
  }

  @Override
  public void close() {
    launcher.close();
    removeHook(hook);
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: nothing to remove
    }
  }
}
