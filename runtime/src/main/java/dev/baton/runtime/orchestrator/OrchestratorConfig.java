package dev.baton.runtime.orchestrator;

import dev.baton.runtime.registry.ConsulSettings;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * How to run one sub-orchestrator instance. Immutable and validated at construction; build it with
 * {@link #builder()}, whose defaults are the named constants below.
 *
 * @param host interface to listen on (default {@value #DEFAULT_HOST})
 * @param port port to listen on, 0 for an ephemeral one (default 0)
 * @param masterAddresses {@code host:port} of each master's Coordination service (one, or several
 *     masters of which one leads: tried in turn, and a standby's answer names the leader), at most
 *     {@value #MAX_MASTERS}; required without Consul, and must be empty with it (the master is then
 *     the holder of the leader key, else a passing {@code baton-master})
 * @param instanceId unique per instance; null means {@code <domain>-orchestrator-<6 hex>}, see
 *     {@link #instanceIdFor(String)}
 * @param workspaceRoot directory under which command droids get their workspaces
 * @param heartbeatInterval time between heartbeats on the Coordinate stream
 * @param defaultCommandTimeout timeout of a command whose task sets none
 * @param maxConcurrentTasks overrides the specialisation's max_concurrent_tasks; 0 keeps it
 * @param consul null (default) to register with the master's embedded registry only; otherwise the
 *     instance registers in Consul and finds the master and its peers there
 * @param agents how real droids run: {@link AgentOptions}
 * @param droidsDir null (default), or a directory of droid definition files ({@code *.md}) whose
 *     droids override the specialisation's built-in ones by name and add to them
 * @param security how the instance's server accepts calls and how it dials the master and its
 *     peers (default {@link dev.baton.runtime.security.Security#open()})
 * @param containment what every process started for a task runs in: one of {@link
 *     dev.baton.runtime.containment.Containments#NAMES}; {@code auto} (default) probes at start and
 *     takes the strongest that works (see docs/security.md, "Process containment")
 * @param policy what its droids may run ({@code --policy FILE}; default {@link
 *     dev.baton.runtime.policy.DroidPolicy#builtIn()}, docs/security.md)
 * @param gitTls the certificate, key and CA bundle git presents to and checks of https remotes (a
 *     master's git server when the mesh runs TLS); null (default) for git's own settings
 * @param advertise the host the master and peers dial this instance at (its descriptor's address,
 *     its Consul registration) when it is not {@code host}, such as a pod IP while {@code host} is
 *     0.0.0.0; null (default) for {@code host}
 */
public record OrchestratorConfig(
    String host,
    int port,
    List<String> masterAddresses,
    String instanceId,
    Path workspaceRoot,
    Duration heartbeatInterval,
    Duration defaultCommandTimeout,
    int maxConcurrentTasks,
    ConsulSettings consul,
    Path droidsDir,
    AgentOptions agents,
    dev.baton.runtime.security.Security security,
    String containment,
    dev.baton.runtime.policy.DroidPolicy policy,
    dev.baton.runtime.security.tls.TlsFiles gitTls,
    String advertise) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 0;
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(30);
  public static final int DEFAULT_MAX_CONCURRENT_TASKS = 0;
  /** Default {@link #containment}: probe at start. */
  public static final String DEFAULT_CONTAINMENT = "auto";
  /** Most master addresses in {@link #masterAddresses}. */
  public static final int MAX_MASTERS = 16;

  /** {@code ${java.io.tmpdir}/baton-workspaces}. */
  public static Path defaultWorkspaceRoot() {
    return Path.of(System.getProperty("java.io.tmpdir"), "baton-workspaces");
  }

  public OrchestratorConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host: '" + host + "' (expected: an interface such as 127.0.0.1 or 0.0.0.0)");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535, 0 for any free port)");
    }
    masterAddresses = masterAddresses == null ? List.of() : List.copyOf(masterAddresses);
    if (consul == null) {
      if (masterAddresses.isEmpty()) {
        checkAddress(null);
      }
      if (masterAddresses.size() > MAX_MASTERS) {
        throw new IllegalArgumentException("masterAddress: " + masterAddresses.size()
            + " addresses (expected: 1.." + MAX_MASTERS + ")");
      }
      masterAddresses.forEach(OrchestratorConfig::checkAddress);
      if (new HashSet<>(masterAddresses).size() < masterAddresses.size()) {
        throw new IllegalArgumentException("masterAddress: '" + String.join(",", masterAddresses)
            + "' names an address twice (expected: each master once)");
      }
    } else if (!masterAddresses.isEmpty()) {
      throw new IllegalArgumentException("masterAddress: '" + String.join(",", masterAddresses)
          + "' (expected: none with consul, which finds the master as service baton-master)");
    }
    if (instanceId != null && !instanceId.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("instanceId: '" + instanceId + "' (expected: [A-Za-z0-9._-]+)");
    }
    Objects.requireNonNull(workspaceRoot, "workspaceRoot");
    workspaceRoot = workspaceRoot.toAbsolutePath().normalize();
    positive("heartbeatInterval", heartbeatInterval);
    positive("defaultCommandTimeout", defaultCommandTimeout);
    if (!dev.baton.runtime.containment.Containments.NAMES.contains(containment)) {
      throw new IllegalArgumentException("containment: '" + containment + "' (expected one of "
          + dev.baton.runtime.containment.Containments.NAMES + ")");
    }
    if (maxConcurrentTasks < 0) {
      throw new IllegalArgumentException(
          "maxConcurrentTasks: " + maxConcurrentTasks + " (expected: >= 0, 0 keeps the specialisation's)");
    }
    droidsDir = droidsDir == null ? null : droidsDir.toAbsolutePath().normalize();
    agents = agents == null ? AgentOptions.DEFAULTS : agents;
    policy = policy == null ? dev.baton.runtime.policy.DroidPolicy.builtIn() : policy;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The master addresses as given on the command line ({@code a:1,b:2}), null with Consul. */
  public String masterAddress() {
    return masterAddresses.isEmpty() ? null : String.join(",", masterAddresses);
  }

  /**
   * Splits {@code host:port[,host:port...]} (blanks around commas ignored); null or blank is no
   * address. Each address is checked when the config is built.
   */
  public static List<String> parseMasters(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      out.add(part.trim());
    }
    return out;
  }

  public Builder toBuilder() {
    return new Builder()
        .host(host)
        .port(port)
        .masterAddresses(masterAddresses)
        .instanceId(instanceId)
        .workspaceRoot(workspaceRoot)
        .heartbeatInterval(heartbeatInterval)
        .defaultCommandTimeout(defaultCommandTimeout)
        .maxConcurrentTasks(maxConcurrentTasks)
        .consul(consul)
        .droidsDir(droidsDir)
        .agents(agents)
        .security(security)
        .containment(containment)
        .policy(policy)
        .gitTls(gitTls)
        .advertise(advertise);
  }

  /** The configured instance id, or a fresh {@code <domain>-orchestrator-<6 hex>}. */
  public String instanceIdFor(String domain) {
    if (instanceId != null) {
      return instanceId;
    }
    byte[] bytes = new byte[3];
    new SecureRandom().nextBytes(bytes);
    return domain + "-orchestrator-" + HexFormat.of().formatHex(bytes);
  }

  private static void checkAddress(String address) {
    String expected = " (expected: host:port of the master, e.g. 127.0.0.1:7400)";
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("masterAddress: missing" + expected);
    }
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException("masterAddress: '" + address + "'" + expected);
    }
    try {
      int port = Integer.parseInt(address.substring(colon + 1));
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("masterAddress: '" + address + "'" + expected);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("masterAddress: '" + address + "'" + expected, e);
    }
  }

  private static void positive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }

  /** Builder with the named defaults; {@link #masterAddresses} (or {@link #consul}) is the only required field. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private List<String> masterAddresses = List.of();
    private String instanceId;
    private Path workspaceRoot = defaultWorkspaceRoot();
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private Duration defaultCommandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private int maxConcurrentTasks = DEFAULT_MAX_CONCURRENT_TASKS;
    private ConsulSettings consul;
    private Path droidsDir;
    private AgentOptions agents = AgentOptions.DEFAULTS;
    private dev.baton.runtime.security.Security security = dev.baton.runtime.security.Security.open();
    private String containment = DEFAULT_CONTAINMENT;
    private dev.baton.runtime.policy.DroidPolicy policy = dev.baton.runtime.policy.DroidPolicy.builtIn();

    private Builder() {}

    /** What droids may run (default: the built-in policy). */
    public Builder policy(dev.baton.runtime.policy.DroidPolicy policy) {
      this.policy = java.util.Objects.requireNonNull(policy, "policy");
      return this;
    }

    private dev.baton.runtime.security.tls.TlsFiles gitTls;

    /** The certificate git presents to a master's https git server, with its CA bundle; null: none. */
    public Builder gitTls(dev.baton.runtime.security.tls.TlsFiles gitTls) {
      this.gitTls = gitTls;
      return this;
    }

    /**
     * What task processes run in: {@code auto} (default), {@code pid-namespace}, {@code cgroup} or
     * {@code process-tree}; a named one that does not work here fails the start.
     */
    public Builder containment(String containment) {
      this.containment = containment;
      return this;
    }

    /** TLS and the checks of every call (default: plaintext, every caller trusted). */
    public Builder security(dev.baton.runtime.security.Security security) {
      this.security = java.util.Objects.requireNonNull(security, "security");
      return this;
    }

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** One master, or several separated by commas ({@code a:7400,b:7400}); null for none. */
    public Builder masterAddress(String masterAddress) {
      this.masterAddresses = parseMasters(masterAddress);
      return this;
    }

    /** The masters in the order they are tried; null or empty for none. */
    public Builder masterAddresses(List<String> masterAddresses) {
      this.masterAddresses = masterAddresses == null ? List.of() : List.copyOf(masterAddresses);
      return this;
    }

    /** Null or blank restores the default. */
    public Builder instanceId(String instanceId) {
      this.instanceId = instanceId == null || instanceId.isBlank() ? null : instanceId;
      return this;
    }

    public Builder workspaceRoot(Path workspaceRoot) {
      this.workspaceRoot = workspaceRoot;
      return this;
    }

    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = heartbeatInterval;
      return this;
    }

    public Builder defaultCommandTimeout(Duration defaultCommandTimeout) {
      this.defaultCommandTimeout = defaultCommandTimeout;
      return this;
    }

    public Builder maxConcurrentTasks(int maxConcurrentTasks) {
      this.maxConcurrentTasks = maxConcurrentTasks;
      return this;
    }

    /** Consul settings, or null (the default) for the embedded registry. */
    public Builder consul(ConsulSettings consul) {
      this.consul = consul;
      return this;
    }

    /** A directory of droid definitions overriding the built-in ones, or null (the default) for none. */
    /** How real droids run (runners, binaries, scenarios, prices, prompt template, git). */
    public Builder agents(AgentOptions agents) {
      this.agents = agents;
      return this;
    }

    public Builder droidsDir(Path droidsDir) {
      this.droidsDir = droidsDir;
      return this;
    }

    public OrchestratorConfig build() {
      return new OrchestratorConfig(host, port, masterAddresses, instanceId, workspaceRoot,
          heartbeatInterval, defaultCommandTimeout, maxConcurrentTasks, consul, droidsDir, agents, security,
          containment, policy, gitTls, advertise);
    }

    private String advertise;

    /** The host others dial this instance at; null for {@link #host(String)}. */
    public Builder advertise(String host) {
      this.advertise = host == null || host.isBlank() ? null : host.strip();
      return this;
    }
  }
}
