package dev.baton.cli.mesh;

import dev.baton.runtime.registry.ConsulSettings;
import dev.baton.runtime.security.ClientSecurity;
import dev.baton.v1.InstanceHealth;
import dev.baton.v1.ListOrchestratorsRequest;
import dev.baton.v1.ListOrchestratorsResponse;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.OrchestratorInstance;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Starts Baton servers as separate child processes of this JVM and stops them again.
 *
 * <p>Used by {@code baton up}, {@code baton demo} and the end-to-end tests. Every child gets
 * {@code --parent-pid} so it exits when this JVM dies, even by SIGKILL; {@link #close()} stops the
 * orchestrators before the master so that their Coordinate streams end cleanly.
 */
public final class MeshLauncher implements AutoCloseable {
  /** How long a sub-orchestrator of {@code baton up} / {@code baton demo} drains on stop (its grace is 10 s). */
  static final String LOCAL_DRAIN_TIMEOUT = "5s";

  /** The four specialisations of a full mesh, in start order. */
  public static final List<String> DOMAINS = List.of("frontend", "backend", "devops", "testing");

  private final Options options;
  private final List<LaunchedProcess> children = new CopyOnWriteArrayList<>();

  public MeshLauncher(Options options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  public Options options() {
    return options;
  }

  /** Starts {@code baton master} on {@code port} (0: any free port) and waits for its ready line. */
  public LaunchedProcess startMaster(int port) {
    List<String> args = new ArrayList<>(List.of("master", "--host", options.host(), "--port", Integer.toString(port)));
    args.addAll(options.registryArgs());
    // A mesh started here may work on local directories: the master imports and serves them.
    args.addAll(List.of("--git-dir", options.runDir().resolve("git").toString(), "--import-local-repos"));
    if (!options.masterArgs().contains("--journal")) {
      // Plans outlive the master's process: journaled in the run directory unless the caller chose.
      args.addAll(List.of("--journal", options.runDir().resolve("journal.db").toString()));
    }
    if (options.tls() != null) {
      args.addAll(MeshPki.args(options.tls().master()));
      // The local user's certificate is the mesh's admin: the CLI commands `up` prints can do everything.
      args.addAll(List.of("--tokens", options.tls().callersFile().toString()));
    }
    args.addAll(options.masterArgs());
    LaunchedProcess master = launch("master", args);
    master.awaitReady(options.readyTimeout());
    return master;
  }

  /**
   * Starts {@code baton orchestrator --domain D} on {@code port} against {@code masterAddress}
   * (with Consul the orchestrator finds the master there and {@code masterAddress} is not passed);
   * does not wait for it, so that several start in parallel: call {@link LaunchedProcess#awaitReady}.
   */
  public LaunchedProcess startOrchestrator(String domain, String masterAddress, int port) {
    return startOrchestrator(domain, domain, masterAddress, port);
  }

  /**
   * Like {@link #startOrchestrator(String, String, int)} for one of several replicas of a domain:
   * {@code name} (e.g. {@code backend-2}) names its log files and its workspace directory, so
   * replicas do not share them.
   */
  public LaunchedProcess startOrchestrator(String name, String domain, String masterAddress, int port) {
    List<String> args = new ArrayList<>(List.of("orchestrator", "--domain", domain));
    if (options.consul() == null) {
      args.addAll(List.of("--master", masterAddress));
    }
    args.addAll(List.of("--host", options.host(), "--port", Integer.toString(port),
        "--workspace", options.workspaceRoot().resolve(name).toString()));
    if (options.orchestratorArgs().stream().noneMatch(a -> a.startsWith("--drain-timeout"))) {
      // A local mesh stops its children with a 10 s grace: drain within it.
      args.addAll(List.of("--drain-timeout", LOCAL_DRAIN_TIMEOUT));
    }
    args.addAll(options.registryArgs());
    if (options.tls() != null) {
      args.addAll(MeshPki.args(options.tls().orchestrator(name, domain)));
      args.addAll(List.of("--tokens", options.tls().callersFile().toString()));
    }
    args.addAll(options.orchestratorArgs());
    return launch(name, args);
  }

  /**
   * Starts a master and the four sub-orchestrators and waits until all four are registered with
   * the master. With {@code basePort} 0 every server takes a free port; otherwise the master takes
   * {@code basePort} and the orchestrators the next four ports in {@link #DOMAINS} order.
   */
  public Mesh startMesh(int basePort) {
    LaunchedProcess master = startMaster(basePort);
    Map<String, LaunchedProcess> orchestrators = new LinkedHashMap<>();
    for (int i = 0; i < DOMAINS.size(); i++) {
      String domain = DOMAINS.get(i);
      orchestrators.put(domain, startOrchestrator(domain, master.address(), basePort == 0 ? 0 : basePort + 1 + i));
    }
    orchestrators.values().forEach(o -> o.awaitReady(options.readyTimeout()));
    Mesh mesh = new Mesh(master, orchestrators);
    awaitRegistered(master.address(), Set.copyOf(DOMAINS), options.readyTimeout(), clientSecurity());
    return mesh;
  }

  /** How this JVM dials the mesh: TLS with the local user's certificate when the mesh has TLS, else plaintext. */
  public ClientSecurity clientSecurity() {
    return options.tls() == null ? ClientSecurity.plaintext() : options.tls().userClient();
  }

  /**
   * Starts any {@code baton} server subcommand as a tracked child (stopped by {@link #close()}),
   * tied to this JVM's life unless {@code batonArgs} name another {@code --parent-pid}.
   */
  public LaunchedProcess launch(String name, List<String> batonArgs) {
    List<String> args = new ArrayList<>(batonArgs);
    if (!args.contains("--parent-pid")) {
      args.add("--parent-pid");
      args.add(Long.toString(ProcessHandle.current().pid()));
    }
    LaunchedProcess child = LaunchedProcess.start(name, options.java().baton(args), options.runDir());
    children.add(child);
    return child;
  }

  /**
   * Polls the master's ListOrchestrators until every domain in {@code domains} has a healthy
   * instance, or fails naming the missing ones after {@code timeout}.
   */
  public static ListOrchestratorsResponse awaitRegistered(
      String masterAddress, Set<String> domains, Duration timeout) {
    return awaitRegistered(masterAddress, domains, timeout, ClientSecurity.plaintext());
  }

  /** Like {@link #awaitRegistered(String, Set, Duration)}, dialling with {@code security}. */
  public static ListOrchestratorsResponse awaitRegistered(
      String masterAddress, Set<String> domains, Duration timeout, ClientSecurity security) {
    ManagedChannel channel = security.nettyBuilder(masterAddress).build();
    try {
      MasterGrpc.MasterBlockingStub stub = MasterGrpc.newBlockingStub(channel);
      Instant deadline = Instant.now().plus(timeout);
      Set<String> missing = new TreeSet<>(domains);
      String lastError = "";
      while (true) {
        try {
          ListOrchestratorsResponse response =
              stub.withDeadlineAfter(5, TimeUnit.SECONDS)
                  .listOrchestrators(ListOrchestratorsRequest.getDefaultInstance());
          Set<String> healthy =
              response.getInstancesList().stream()
                  .filter(i -> i.getHealth() == InstanceHealth.INSTANCE_HEALTH_HEALTHY)
                  .map(OrchestratorInstance::getOrchestrator)
                  .map(d -> d.getSpecialization().getDomain())
                  .collect(Collectors.toSet());
          missing = new TreeSet<>(domains);
          missing.removeAll(healthy);
          if (missing.isEmpty()) {
            return response;
          }
        } catch (StatusRuntimeException e) {
          lastError = " (last error: " + e.getStatus() + ")";
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              "orchestrators " + missing + " did not register with the master at " + masterAddress
                  + " within " + timeout.toSeconds() + " s" + lastError);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    } finally {
      channel.shutdownNow();
    }
  }

  /** Every child started so far, in start order. */
  public List<LaunchedProcess> children() {
    return List.copyOf(children);
  }

  /**
   * Stops every child gracefully (every one but the master first, in parallel, then the master),
   * killing the ones that do not stop within the grace period.
   */
  @Override
  public void close() {
    List<LaunchedProcess> all = new ArrayList<>(children);
    List<LaunchedProcess> first =
        all.stream().filter(c -> !c.name().equals("master")).toList();
    List<LaunchedProcess> rest = all.stream().filter(c -> !first.contains(c)).toList();
    stopAll(first);
    stopAll(rest);
    children.removeAll(all);
  }

  private void stopAll(List<LaunchedProcess> processes) {
    // SIGTERM to all at once, then wait for each: shutdown hooks run in parallel.
    processes.forEach(p -> p.handle().destroy());
    processes.forEach(p -> p.stop(options.stopGrace()));
  }

  /** SIGKILL to every child and its descendants; for tests cleaning up after a failure. */
  public void killAll() {
    children.forEach(LaunchedProcess::kill);
    children.clear();
  }

  /**
   * How the launcher starts children.
   *
   * @param runDir where each child's {@code <name>.log} (stderr) and {@code <name>.out} go
   * @param workspaceRoot parent of each orchestrator's workspace directory
   * @param java binary, class path and JVM options of the children
   * @param host address the servers bind (default 127.0.0.1: a local mesh)
   * @param readyTimeout how long a child may take to print its ready line and register (default 60 s)
   * @param stopGrace how long a child may take to stop after SIGTERM before it is killed (default 10 s)
   * @param consul the Consul agent every child registers with, or null (default) for the embedded
   *     registry; passed to the children explicitly, so a CONSUL_HTTP_ADDR in their environment
   *     cannot flip them
   * @param tls the mesh's PKI: every child gets {@code --tls-*} flags and this JVM dials with the
   *     user's certificate; null (the default) for plaintext on loopback
   */
  public record Options(
      Path runDir, Path workspaceRoot, JavaCommand java, String host, Duration readyTimeout,
      Duration stopGrace, ConsulSettings consul, List<String> masterArgs, List<String> orchestratorArgs,
      MeshPki tls) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);

    public Options {
      Objects.requireNonNull(runDir, "runDir");
      Objects.requireNonNull(workspaceRoot, "workspaceRoot");
      Objects.requireNonNull(java, "java");
      Objects.requireNonNull(host, "host");
      masterArgs = List.copyOf(masterArgs);
      orchestratorArgs = List.copyOf(orchestratorArgs);
      if (readyTimeout.isNegative() || readyTimeout.isZero()) {
        throw new IllegalArgumentException("readyTimeout: " + readyTimeout + " (expected: > 0)");
      }
      if (stopGrace.isNegative()) {
        throw new IllegalArgumentException("stopGrace: " + stopGrace + " (expected: >= 0)");
      }
    }

    /** Defaults, with children running this JVM's java and class path, logging under {@code runDir}. */
    public static Options in(Path runDir) {
      return new Options(
          runDir, runDir.resolve("workspaces"), JavaCommand.current(), DEFAULT_HOST,
          DEFAULT_READY_TIMEOUT, DEFAULT_STOP_GRACE, null, List.of(), List.of(), null);
    }

    /** {@code --registry ...} arguments that give a child this mesh's registry choice. */
    public List<String> registryArgs() {
      if (consul == null) {
        return List.of("--registry", "embedded");
      }
      String check = switch (consul.checkMode()) {
        case GRPC -> "grpc";
        case TTL -> "ttl";
        case GRPC_AND_TTL -> "grpc+ttl";
      };
      return List.of("--registry", "consul", "--consul", consul.address(), "--consul-check", check);
    }

    public Options withConsul(ConsulSettings value) {
      return new Options(runDir, workspaceRoot, java, host, readyTimeout, stopGrace, value, masterArgs, orchestratorArgs, tls);
    }

    /** A fresh run directory under {@code parent}, named by the time and this process's pid. */
    public static Path newRunDir(Path parent) {
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      return parent.resolve(stamp + "-" + ProcessHandle.current().pid());
    }

    public Options withJava(JavaCommand value) {
      return new Options(runDir, workspaceRoot, value, host, readyTimeout, stopGrace, consul, masterArgs, orchestratorArgs, tls);
    }

    public Options withReadyTimeout(Duration value) {
      return new Options(runDir, workspaceRoot, java, host, value, stopGrace, consul, masterArgs, orchestratorArgs, tls);
    }

    public Options withStopGrace(Duration value) {
      return new Options(runDir, workspaceRoot, java, host, readyTimeout, value, consul, masterArgs, orchestratorArgs, tls);
    }

    /** Extra arguments of every {@code baton orchestrator} this launcher starts (e.g. --claude-bin). */
    public Options withOrchestratorArgs(List<String> value) {
      return new Options(runDir, workspaceRoot, java, host, readyTimeout, stopGrace, consul, masterArgs, value, tls);
    }

    /** Extra arguments of the {@code baton master} this launcher starts. */
    public Options withMasterArgs(List<String> value) {
      return new Options(runDir, workspaceRoot, java, host, readyTimeout, stopGrace, consul, value, orchestratorArgs, tls);
    }

    /** TLS on every hop with {@code value}'s certificates; null for plaintext. */
    public Options withTls(MeshPki value) {
      return new Options(runDir, workspaceRoot, java, host, readyTimeout, stopGrace, consul, masterArgs, orchestratorArgs, value);
    }
  }
}
