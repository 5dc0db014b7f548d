package dev.baton.runtime.orchestrator;

import dev.baton.runtime.registry.ConsulSettings;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * How to run one sub-orchestrator instance. Immutable and validated at construction; build it with
 * {@link #builder()}, whose defaults are the named constants below.
 *
 * @param host interface to listen on (default {@value #DEFAULT_HOST})
 * @param port port to listen on, 0 for an ephemeral one (default 0)
 * @param masterAddress {@code host:port} of the master's Coordination service; required without
 *     Consul, and must be null with it (the master is then the passing {@code baton-master})
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
 */
public record OrchestratorConfig(
    String host,
    int port,
    String masterAddress,
    String instanceId,
    Path workspaceRoot,
    Duration heartbeatInterval,
    Duration defaultCommandTimeout,
    int maxConcurrentTasks,
    ConsulSettings consul,
    Path droidsDir,
    AgentOptions agents) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 0;
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(30);
  public static final int DEFAULT_MAX_CONCURRENT_TASKS = 0;

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
    if (consul == null) {
      checkAddress(masterAddress);
    } else if (masterAddress != null) {
      throw new IllegalArgumentException("masterAddress: '" + masterAddress
          + "' (expected: none with consul, which finds the master as service baton-master)");
    }
    if (instanceId != null && !instanceId.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("instanceId: '" + instanceId + "' (expected: [A-Za-z0-9._-]+)");
    }
    Objects.requireNonNull(workspaceRoot, "workspaceRoot");
    workspaceRoot = workspaceRoot.toAbsolutePath().normalize();
    positive("heartbeatInterval", heartbeatInterval);
    positive("defaultCommandTimeout", defaultCommandTimeout);
    if (maxConcurrentTasks < 0) {
      throw new IllegalArgumentException(
          "maxConcurrentTasks: " + maxConcurrentTasks + " (expected: >= 0, 0 keeps the specialisation's)");
    }
    droidsDir = droidsDir == null ? null : droidsDir.toAbsolutePath().normalize();
    agents = agents == null ? AgentOptions.DEFAULTS : agents;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .host(host)
        .port(port)
        .masterAddress(masterAddress)
        .instanceId(instanceId)
        .workspaceRoot(workspaceRoot)
        .heartbeatInterval(heartbeatInterval)
        .defaultCommandTimeout(defaultCommandTimeout)
        .maxConcurrentTasks(maxConcurrentTasks)
        .consul(consul)
        .droidsDir(droidsDir)
        .agents(agents);
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

  /** Builder with the named defaults; {@link #masterAddress} (or {@link #consul}) is the only required field. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private String masterAddress;
    private String instanceId;
    private Path workspaceRoot = defaultWorkspaceRoot();
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private Duration defaultCommandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private int maxConcurrentTasks = DEFAULT_MAX_CONCURRENT_TASKS;
    private ConsulSettings consul;
    private Path droidsDir;
    private AgentOptions agents = AgentOptions.DEFAULTS;

    private Builder() {}

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder masterAddress(String masterAddress) {
      this.masterAddress = masterAddress;
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
      return new OrchestratorConfig(host, port, masterAddress, instanceId, workspaceRoot,
          heartbeatInterval, defaultCommandTimeout, maxConcurrentTasks, consul, droidsDir, agents);
    }
  }
}
