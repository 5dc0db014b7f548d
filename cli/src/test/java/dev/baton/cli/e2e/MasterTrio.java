package dev.baton.cli.e2e;

import static org.awaitility.Awaitility.await;

import dev.baton.cli.mesh.LaunchedProcess;
import dev.baton.cli.mesh.MeshLauncher;
import dev.baton.master.journal.Journal;
import dev.baton.master.journal.JournalSettings;
import dev.baton.master.journal.Journals;
import dev.baton.runtime.registry.ConsulSettings;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.SubmitPlanRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Three {@code baton master} processes on one PostgreSQL journal, electing their leader through
 * Consul ({@code --consul}) or, without Consul, through the journal's lease; and one
 * sub-orchestrator per domain that follows the leader (through Consul's {@code baton/leader} key,
 * or through its {@code --master a,b,c} list and the standbys' hints). For the take-over tests:
 * the leader is killed (SIGKILL), hung (SIGSTOP) and started again on its port, as a standby.
 *
 * <p>Who leads is read from the journal itself ({@code baton_epoch}: the epoch and its holder),
 * and a master counts as leading once its log says {@code leads under epoch N}: it claimed the
 * epoch and took every unfinished plan over.
 *
 * <p>Test thread only, except the launcher's output pumps.
 */
final class MasterTrio implements TakeOverMesh, AutoCloseable {
  static final Duration READY = Duration.ofSeconds(90);
  /** How long a take-over may take before a test fails: election, claim, resume, with slack for a busy machine. */
  static final Duration TAKE_OVER = Duration.ofSeconds(45);
  static final List<String> IDS = List.of("master-a", "master-b", "master-c");

  private final MeshLauncher launcher;
  private final String journalUrl;
  private final String consulAddress;
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final Map<String, LaunchedProcess> masters = new LinkedHashMap<>();
  private final Map<String, LaunchedProcess> subs = new LinkedHashMap<>();
  private final Journal journal;

  private MasterTrio(MeshLauncher launcher, String journalUrl, String consulAddress) {
    this.launcher = launcher;
    this.journalUrl = journalUrl;
    this.consulAddress = consulAddress;
    this.journal = Journals.open(journalUrl, JournalSettings.defaults(), Clock.systemUTC(), true);
  }

  /**
   * Starts the three masters, waits until one leads, then starts the four sub-orchestrators and
   * waits until they registered with the leader.
   *
   * @param consulAddress the Consul agent, or null for the PostgreSQL lease and {@code --master} lists
   */
  static MasterTrio start(String runName, String journalUrl, String consulAddress) {
    MeshLauncher.Options options = MeshLauncher.Options.in(MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve(runName)))
        .withReadyTimeout(READY).withStopGrace(Duration.ofSeconds(5));
    if (consulAddress != null) {
      options = options.withConsul(ConsulSettings.builder().address(consulAddress).build());
    }
    MeshLauncher launcher = new MeshLauncher(options);
    MasterTrio trio = null;
    try {
      // The masters' journal must exist before three of them migrate it at once: the first one
      // migrates, the others find it done (Flyway's lock serialises them anyway).
      trio = new MasterTrio(launcher, journalUrl, consulAddress);
      for (String id : IDS) {
        trio.ports.put(id, freePort());
      }
      for (String id : IDS) {
        trio.masters.put(id, trio.launchMaster(id));
      }
      for (LaunchedProcess m : trio.masters.values()) {
        m.awaitReady(READY);
      }
      Journal.Epoch leader = trio.awaitLeader(0);
      for (String domain : MeshLauncher.DOMAINS) {
        trio.subs.put(domain, launcher.startOrchestrator(domain, domain, trio.addresses(), 0));
      }
      trio.subs.values().forEach(s -> s.awaitReady(READY));
      MeshLauncher.awaitRegistered(leader.address(), Set.copyOf(MeshLauncher.DOMAINS), READY);
      return trio;
    } catch (RuntimeException e) {
      launcher.killAll();
      if (trio != null) {
        trio.journal.close();
      }
      throw e;
    }
  }

  private LaunchedProcess launchMaster(String id) {
    Path runDir = launcher.options().runDir();
    List<String> args = new ArrayList<>(List.of("master", "--host", "127.0.0.1", "--port", Integer.toString(ports.get(id)),
        "--id", id, "--journal", journalUrl, "--git-dir", runDir.resolve("git-" + id).toString(), "--git-port", "-1"));
    args.addAll(launcher.options().registryArgs());
    return launcher.launch(id, args);
  }

  @Override
  public List<String> addressList() {
    return IDS.stream().map(id -> "127.0.0.1:" + ports.get(id)).toList();
  }

  String address(String id) {
    return "127.0.0.1:" + ports.get(id);
  }

  @Override
  public void cancel(String planId) {
    TakeOverMesh.cancelOn(epoch().address(), planId);
  }

  @Override
  public Journal journal() {
    return journal;
  }

  String journalUrl() {
    return journalUrl;
  }

  boolean consul() {
    return consulAddress != null;
  }

  LaunchedProcess master(String id) {
    return masters.get(id);
  }

  LaunchedProcess sub(String domain) {
    return subs.get(domain);
  }

  Map<String, LaunchedProcess> subs() {
    return subs;
  }

  /**
   * Waits until a master claimed an epoch above {@code after} and took the plans over (its log
   * says {@code leads under epoch N}); returns that epoch with its holder.
   */
  Journal.Epoch awaitLeader(long after) {
    Journal.Epoch[] found = new Journal.Epoch[1];
    await("a master leading under an epoch above " + after).atMost(TAKE_OVER).pollInterval(Duration.ofMillis(20))
        .until(() -> {
          Journal.Epoch e = journal.currentEpoch();
          if (e.epoch() <= after || !log(e.holder()).contains("leads under epoch " + e.epoch() + " ")) {
            return false;
          }
          found[0] = e;
          return true;
        });
    return found[0];
  }

  /** The epoch now and its holder, straight from the journal. */
  Journal.Epoch epoch() {
    return journal.currentEpoch();
  }

  /** SIGKILL to the master's JVM alone (its children, if any, live on as orphans); returns when it was sent. */
  Instant kill(String id) {
    LaunchedProcess p = masters.get(id);
    Instant at = Instant.now();
    p.handle().destroyForcibly();
    await(id + " dead").atMost(Duration.ofSeconds(10)).until(() -> !p.isAlive());
    return at;
  }

  /**
   * SIGSTOP to the master; returns once every thread of it stopped. {@code kill -STOP} returns
   * when the signal is queued, and a thread woken meanwhile (by a database's answer, say) may still
   * act first: a test that needs it frozen before what it does next waits for the group stop,
   * which /proc shows per thread (Linux; elsewhere it returns at once).
   */
  void suspend(String id) {
    LaunchedProcess p = masters.get(id);
    p.suspend();
    Path tasks = Path.of("/proc", Long.toString(p.pid()), "task");
    if (!Files.isDirectory(tasks)) {
      return;
    }
    await(id + " stopped").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
      try (var threads = Files.list(tasks)) {
        return threads.allMatch(t -> {
          try {
            String stat = Files.readString(t.resolve("stat"));
            // pid (comm) STATE ...: comm may hold spaces and parentheses, the state follows the last ')'.
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'T' || state == 't';
          } catch (IOException gone) {
            return true; // the thread ended
          }
        });
      }
    });
  }

  /** SIGKILL to the master and every process it started (a pod's death); returns when it was sent. */
  Instant killWithChildren(String id) {
    Instant at = Instant.now();
    masters.get(id).kill();
    return at;
  }

  /** One take-over by SIGKILL: the epoch killed and its successor, when the signal went and when the successor led. */
  record TakeOver(Journal.Epoch old, Journal.Epoch next, Instant killedAt, Instant ledAt) {}

  /** SIGKILL of the leader, its successor awaited, the killed master started again (a standby). */
  TakeOver killLeaderAndRestart() {
    Journal.Epoch old = epoch();
    Instant killedAt = kill(old.holder());
    Journal.Epoch next = awaitLeader(old.epoch());
    Instant ledAt = Instant.now();
    if (next.holder().equals(old.holder())) {
      throw new AssertionError("the killed master " + old.holder() + " leads again");
    }
    restart(old.holder());
    return new TakeOver(old, next, killedAt, ledAt);
  }

  /**
   * When the master's log says it led under {@code epoch} (its {@code leads under epoch N} line,
   * whose time of day is this machine's, today).
   */
  Instant ledAt(String id, long epoch) {
    String line = log(id).lines().filter(l -> l.contains("leads under epoch " + epoch + " ")).findFirst()
        .orElseThrow(() -> new AssertionError(id + " never led under epoch " + epoch));
    java.time.LocalTime time = java.time.LocalTime.parse(line.substring(0, line.indexOf(' ')));
    return time.atDate(java.time.LocalDate.now()).atZone(java.time.ZoneId.systemDefault()).toInstant();
  }

  /** Starts a master that died again, on its port and journal, and waits for its ready line (it stands by). */
  void restart(String id) {
    if (masters.get(id).isAlive()) {
      throw new IllegalStateException(id + " is still running");
    }
    LaunchedProcess fresh = launchMaster(id);
    masters.put(id, fresh);
    fresh.awaitReady(READY);
  }

  /** The master's log (stderr) as written so far, across its restarts. */
  String log(String id) {
    try {
      Path file = launcher.options().runDir().resolve(id + ".log");
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Submits a plan to whichever master leads (a standby's refusal names the leader), with one
   * request id for every try.
   */
  @Override
  public String submit(String yaml, double timeScale) {
    SubmitPlanRequest request = SubmitPlanRequest.newBuilder().setPlanYaml(yaml).setTimeScale(timeScale)
        .setRequestId("takeover-" + System.nanoTime()).build();
    return TakeOverMesh.submitToLeader(epoch().address(), () -> epoch().address(), request);
  }

  /** Each sub-orchestrator's load, keyed by domain (its counters of finished executions included). */
  @Override
  public Map<String, LoadMetrics> loads() {
    return TakeOverMesh.describeLoads(subs);
  }

  /** Instance id of each sub-orchestrator, keyed by domain. */
  @Override
  public Map<String, String> instanceIds() {
    Map<String, String> ids = new LinkedHashMap<>();
    subs.forEach((domain, p) -> ids.put(domain, p.readyLine().id()));
    return ids;
  }

  @Override
  public void close() {
    // A suspended child ignores SIGTERM until resumed: wake every one first.
    for (LaunchedProcess p : launcher.children()) {
      if (p.isAlive()) {
        try {
          p.resume();
        } catch (RuntimeException ignored) {
          // it ended meanwhile
        }
      }
    }
    try {
      launcher.close();
    } finally {
      launcher.killAll();
      journal.close();
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
