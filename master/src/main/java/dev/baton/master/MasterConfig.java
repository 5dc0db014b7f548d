package dev.baton.master;

import dev.baton.master.resilience.ResilienceConfig;
import dev.baton.master.sync.ConflictDetector;
import dev.baton.runtime.registry.ConsulSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How a master runs. Immutable; build with {@link #builder()}, whose defaults suit a local mesh.
 *
 * @param host interface to bind, default {@value #DEFAULT_HOST}
 * @param port port to bind, 0 (default) for an ephemeral one
 * @param id the master's id, default {@value #DEFAULT_ID}
 * @param heartbeatInterval how often sub-orchestrators are asked to send heartbeats, default 1 s
 * @param heartbeatTimeout an instance silent this long is offline, default 5 s
 * @param delegationDeadline no longer read: every call to a sub-orchestrator takes its deadline
 *     from {@code resilience.callDeadline} (kept so existing builders compile)
 * @param instanceWait how long a ready task or a reached sync point waits for an instance of its
 *     domain to register before failing, default 30 s
 * @param syncTimeoutFloor least wall-clock wait of a sync point for arrivals, default 1 s
 * @param conflictDetector run on the shared state gathered at each sync point; default finds nothing
 * @param resilience circuit breakers, call deadlines and retries, recovery timings; see
 *     {@link ResilienceConfig} and docs/resilience.md
 * @param consul null (default) for the embedded registry fed by the Coordinate streams; otherwise the
 *     master registers as {@code baton-master} in Consul and takes healthy instances from it (see
 *     docs/consul.md)
 * @param journal where plans are journaled: null (default) keeps them in memory only; a file path
 *     for the embedded journal (one master); {@code postgres://...} for a journal several masters
 *     share, one leading (docs/journal.md)
 * @param store a store to use as it is instead of one the master opens (embedding code and tests:
 *     a master started again on the same store resumes its plans); null (default) for none
 * @param clock every time the master reads (events, heartbeat ages, breakers, timers' bookkeeping),
 *     default {@link Clock#systemUTC()}; tests pass a manual clock (docs/testing.md)
 * @param seed seeds the one {@link Random} the master's scheduling draws on (plan ids, retry and
 *     probe jitter); null (default) for an unseeded one. With a manual clock and in-process
 *     transport a seed makes a run repeat exactly
 * @param threads makes the master's threads: the scheduler's ({@value #SCHEDULER_THREAD}), the
 *     timers' ({@value #TIMERS_THREAD}) and, in process, the gRPC callbacks'
 *     ({@value #GRPC_THREAD}); default {@link Threads#DAEMON}. The master shuts down what it was given
 * @param inProcessName null (default) to serve on Netty at {@code host:port}; otherwise the master
 *     serves on grpc-inprocess under this name (its address is {@code inprocess:NAME}) and dials
 *     instances whose address is {@code inprocess:NAME} in process (tests, embedding). Not with
 *     {@code consul}: an in-process master cannot be registered
 * @param security how the master's server accepts calls and how it dials instances (default
 *     {@link dev.baton.runtime.security.Security#open()}: plaintext, every caller trusted)
 * @param callerLimits per caller: unfinished plans, submissions per minute, WatchPlan streams
 *     (default {@link dev.baton.master.grpc.CallerLimits.Settings#DEFAULTS}; docs/security.md)
 * @param advertise the host others dial this master at (in leader hints, Consul, the git URL), when
 *     it is not {@code host}: a DNS name its certificate names, where {@code host} is a pod IP or
 *     0.0.0.0 (Kubernetes); null (default) for {@code host}
 */
public record MasterConfig(
    String host,
    int port,
    String id,
    Duration heartbeatInterval,
    Duration heartbeatTimeout,
    Duration delegationDeadline,
    Duration instanceWait,
    Duration syncTimeoutFloor,
    ConflictDetector conflictDetector,
    ResilienceConfig resilience,
    ConsulSettings consul,
    Path gitDir,
    int gitPort,
    boolean importLocalRepos,
    String journal,
    dev.baton.master.events.PlanStore store,
    Clock clock,
    Long seed,
    Threads threads,
    String inProcessName,
    dev.baton.runtime.security.Security security,
    dev.baton.master.grpc.CallerLimits.Settings callerLimits,
    String advertise) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 0;
  public static final String DEFAULT_ID = "master";
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_DELEGATION_DEADLINE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_INSTANCE_WAIT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SYNC_TIMEOUT_FLOOR = Duration.ofSeconds(1);
  /** Serve repositories on an ephemeral port of the master's host. */
  public static final int DEFAULT_GIT_PORT = 0;
  /** No git server. */
  public static final int NO_GIT_SERVER = -1;

  /** Name of the scheduler's thread, which owns every decision about every plan. */
  public static final String SCHEDULER_THREAD = "baton-scheduler";
  /** Name of the thread of the delegation's and the Coordinate streams' timers. */
  public static final String TIMERS_THREAD = "baton-master-timers";
  /** Name of the thread of an in-process master's gRPC callbacks (server and channels). */
  public static final String GRPC_THREAD = "baton-master-grpc";

  /**
   * Makes one of the master's threads. Tests give executors driven by a manual clock, so that
   * timers fire when the test advances time and nothing runs on a thread the test cannot see.
   */
  @FunctionalInterface
  public interface Threads {
    /**
     * A new single-threaded scheduled executor for the thread named {@code name} (one of
     * {@link #SCHEDULER_THREAD}, {@link #TIMERS_THREAD}, {@link #GRPC_THREAD}); the master shuts
     * it down when it closes. It must run tasks one at a time in the order given, as the
     * scheduler's code relies on one thread owning its state.
     */
    ScheduledExecutorService newThread(String name);

    /** Daemon single-threaded executors: what a master runs on by default. */
    Threads DAEMON = name -> Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /** {@code ${java.io.tmpdir}/baton-git/<id>}. */
  public static Path defaultGitDir(String id) {
    return Path.of(System.getProperty("java.io.tmpdir"), "baton-git", id);
  }

  public MasterConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host: '" + host + "' (expected: an interface, e.g. 127.0.0.1)");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535, 0 for an ephemeral port)");
    }
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("id: '" + id + "' (expected: a non-empty id)");
    }
    positive("heartbeatInterval", heartbeatInterval);
    positive("heartbeatTimeout", heartbeatTimeout);
    positive("delegationDeadline", delegationDeadline);
    positive("instanceWait", instanceWait);
    positive("syncTimeoutFloor", syncTimeoutFloor);
    if (heartbeatTimeout.compareTo(heartbeatInterval) <= 0) {
      throw new IllegalArgumentException("heartbeatTimeout: " + heartbeatTimeout
          + " (expected: > heartbeatInterval " + heartbeatInterval + ")");
    }
    Objects.requireNonNull(conflictDetector, "conflictDetector");
    Objects.requireNonNull(callerLimits, "callerLimits");
    Objects.requireNonNull(resilience, "resilience");
    gitDir = (gitDir == null ? defaultGitDir(id) : gitDir).toAbsolutePath().normalize();
    if (gitPort < NO_GIT_SERVER || gitPort > 65_535) {
      throw new IllegalArgumentException("gitPort: " + gitPort
          + " (expected: 0..65535, 0 for an ephemeral port, -1 to serve no repositories)");
    }
    Objects.requireNonNull(clock, "clock (expected: a Clock, e.g. Clock.systemUTC())");
    Objects.requireNonNull(threads, "threads (expected: e.g. MasterConfig.Threads.DAEMON)");
    if (inProcessName != null && !inProcessName.matches("[A-Za-z0-9._-]{1,200}")) {
      throw new IllegalArgumentException("inProcessName: '" + inProcessName
          + "' (expected: null for Netty, or 1 to 200 characters of A-Z, a-z, 0-9, '.', '_', '-')");
    }
    if (inProcessName != null && consul != null) {
      throw new IllegalArgumentException("inProcessName: '" + inProcessName + "' with consul set"
          + " (expected: one of them; an in-process master has no address to register in Consul)");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }

  /** Builds a {@link MasterConfig}; every setter is optional. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private String id = DEFAULT_ID;
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private Duration heartbeatTimeout = DEFAULT_HEARTBEAT_TIMEOUT;
    private Duration delegationDeadline = DEFAULT_DELEGATION_DEADLINE;
    private Duration instanceWait = DEFAULT_INSTANCE_WAIT;
    private Duration syncTimeoutFloor = DEFAULT_SYNC_TIMEOUT_FLOOR;
    /** The deterministic detectors (docs/shared-documents.md); a point without checks runs none. */
    private ConflictDetector conflictDetector = dev.baton.master.conflict.CompositeConflictDetector.standard();
    private ResilienceConfig resilience = ResilienceConfig.defaults();
    private ConsulSettings consul;
    private Path gitDir;
    private int gitPort = DEFAULT_GIT_PORT;
    private boolean importLocalRepos;
    private String journal;
    private dev.baton.master.events.PlanStore store;
    private Clock clock = Clock.systemUTC();
    private Long seed;
    private Threads threads = Threads.DAEMON;
    private String inProcessName;
    private dev.baton.runtime.security.Security security = dev.baton.runtime.security.Security.open();
    private dev.baton.master.grpc.CallerLimits.Settings callerLimits = dev.baton.master.grpc.CallerLimits.Settings.DEFAULTS;

    /** Per-caller limits of the master (default CallerLimits.Settings.DEFAULTS). */
    public Builder callerLimits(dev.baton.master.grpc.CallerLimits.Settings limits) {
      this.callerLimits = java.util.Objects.requireNonNull(limits, "callerLimits");
      return this;
    }

    private Builder() {}

    /** TLS and the checks of every call (default: plaintext, every caller trusted). */
    public Builder security(dev.baton.runtime.security.Security security) {
      this.security = java.util.Objects.requireNonNull(security, "security");
      return this;
    }

    /** The master's clock (default the system's, UTC); tests pass a manual one. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Seeds the master's Random (plan ids, jitter); null (default) for an unseeded one. */
    public Builder seed(Long seed) {
      this.seed = seed;
      return this;
    }

    /** Makes the master's threads (default {@link Threads#DAEMON}). */
    public Builder threads(Threads threads) {
      this.threads = threads;
      return this;
    }

    /** Serves in process under {@code name} instead of on Netty (null, the default: Netty). */
    public Builder inProcess(String name) {
      this.inProcessName = name;
      return this;
    }

    /** Where plans are journaled: a file path (embedded) or postgres://...; null keeps them in memory. */
    public Builder journal(String spec) {
      this.journal = spec;
      return this;
    }

    /** A store to use as it is (tests, embedding); a master started again on it resumes its plans. */
    public Builder store(dev.baton.master.events.PlanStore store) {
      this.store = store;
      return this;
    }

    /** The master's git directory: caches of remotes, served repositories (null: the default). */
    public Builder gitDir(Path dir) {
      this.gitDir = dir;
      return this;
    }

    /** Port of the git server for served repositories; 0 ephemeral, -1 none. */
    public Builder gitPort(int port) {
      this.gitPort = port;
      return this;
    }

    /** Whether plans may name a local directory, imported and served (baton up, baton demo). */
    public Builder importLocalRepos(boolean enabled) {
      this.importLocalRepos = enabled;
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

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder heartbeatInterval(Duration d) {
      this.heartbeatInterval = d;
      return this;
    }

    public Builder heartbeatTimeout(Duration d) {
      this.heartbeatTimeout = d;
      return this;
    }

    public Builder delegationDeadline(Duration d) {
      this.delegationDeadline = d;
      return this;
    }

    public Builder instanceWait(Duration d) {
      this.instanceWait = d;
      return this;
    }

    public Builder syncTimeoutFloor(Duration d) {
      this.syncTimeoutFloor = d;
      return this;
    }

    public Builder conflictDetector(ConflictDetector d) {
      this.conflictDetector = d;
      return this;
    }

    public Builder resilience(ResilienceConfig r) {
      this.resilience = r;
      return this;
    }

    /** Consul settings, or null (the default) for the embedded registry. */
    public Builder consul(ConsulSettings c) {
      this.consul = c;
      return this;
    }

    public MasterConfig build() {
      return new MasterConfig(host, port, id, heartbeatInterval, heartbeatTimeout, delegationDeadline,
          instanceWait, syncTimeoutFloor, conflictDetector, resilience, consul, gitDir, gitPort, importLocalRepos, journal, store,
          clock, seed, threads, inProcessName, security, callerLimits, advertise);
    }

    private String advertise;

    /** The host others dial this master at; null for {@link #host(String)}. */
    public Builder advertise(String host) {
      this.advertise = host == null || host.isBlank() ? null : host.strip();
      return this;
    }
  }
}
