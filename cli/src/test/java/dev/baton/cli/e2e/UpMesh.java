package dev.baton.cli.e2e;

import static org.awaitility.Awaitility.await;

import dev.baton.cli.mesh.JavaCommand;
import dev.baton.master.journal.Journal;
import dev.baton.master.journal.JournalSettings;
import dev.baton.master.journal.Journals;
import dev.baton.v1.DescribeRequest;
import dev.baton.v1.LoadMetrics;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.SubOrchestratorGrpc;
import dev.baton.v1.SubmitPlanRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code baton up} as a child process (the embedded default: one master on a SQLite journal in
 * the run directory, four sub-orchestrators), known by what it prints: each server's address, pid
 * and id, and on stderr the restarts of a master that died.
 */
final class UpMesh implements TakeOverMesh, AutoCloseable {
  static final Duration READY = Duration.ofSeconds(120);
  private static final Pattern SERVER = Pattern.compile("^\\s+(\\S+)\\s+(\\S+:\\d+)\\s+pid (\\d+)\\s+(\\S+)\\s*$");
  private static final Pattern BACK = Pattern.compile("baton: master back, pid (\\d+)");

  private final Path runDir;
  private final Process up;
  private final Path out;
  private final Path err;
  /** name (master, frontend...) -> {address, pid, id}, as first printed. */
  private final Map<String, String[]> servers = new LinkedHashMap<>();
  private Journal journal;
  /** TLS with the user's certificate from the run directory's PKI: baton up runs TLS on every hop. */
  private dev.baton.runtime.security.ClientSecurity security;

  private UpMesh(Path runDir, Process up, Path out, Path err) {
    this.runDir = runDir;
    this.up = up;
    this.out = out;
    this.err = err;
  }

  static UpMesh start(Path runDir) {
    try {
      Files.createDirectories(runDir);
      Path out = runDir.resolve("up.out");
      Path err = runDir.resolve("up.err");
      Process p = new ProcessBuilder(JavaCommand.current().baton(
          List.of("up", "--base-port", "0", "--run-dir", runDir.toString(), "--registry", "embedded")))
          .redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      UpMesh mesh = new UpMesh(runDir, p, out, err);
      try {
        await("baton up ready (" + out + ")").atMost(READY).pollInterval(Duration.ofMillis(100))
            .until(() -> {
              if (!p.isAlive()) {
                throw new IllegalStateException("baton up exited with " + p.exitValue() + ": " + mesh.stderr());
              }
              return mesh.stdout().contains("press Ctrl-C to stop");
            });
        for (String line : mesh.stdout().split("\\R")) {
          Matcher m = SERVER.matcher(line);
          if (m.matches()) {
            mesh.servers.put(m.group(1), new String[] {m.group(2), m.group(3), m.group(4)});
          }
        }
        mesh.security = dev.baton.cli.mesh.MeshPki.in(runDir.resolve("pki")).userClient();
        mesh.journal = Journals.open(mesh.journalPath().toString(), JournalSettings.defaults(), Clock.systemUTC(), true);
        return mesh;
      } catch (RuntimeException e) {
        mesh.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path journalPath() {
    return runDir.resolve("journal.db");
  }

  String masterAddress() {
    return servers.get("master")[0];
  }

  /** The master's pid now: the one printed at start, or the last restart's. */
  long masterPid() {
    Matcher m = BACK.matcher(stderr());
    long pid = Long.parseLong(servers.get("master")[1]);
    while (m.find()) {
      pid = Long.parseLong(m.group(1));
    }
    return pid;
  }

  String stdout() {
    return read(out);
  }

  String stderr() {
    return read(err);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<String> addressList() {
    return List.of(masterAddress());
  }

  /** Submits to the master, waiting while it does not lead yet (it answers UNAVAILABLE until it took its plans over). */
  @Override
  public String submit(String yaml, double timeScale) {
    SubmitPlanRequest request = SubmitPlanRequest.newBuilder().setPlanYaml(yaml).setTimeScale(timeScale)
        .setRequestId("embedded-" + System.nanoTime()).build();
    ManagedChannel channel = security.nettyBuilder(masterAddress()).build();
    try {
      String[] id = new String[1];
      await("the master taking the plan").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .ignoreException(StatusRuntimeException.class).until(() -> {
            id[0] = MasterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).submitPlan(request).getPlanId();
            return true;
          });
      return id[0];
    } finally {
      channel.shutdownNow();
    }
  }

  @Override
  public Map<String, LoadMetrics> loads() {
    Map<String, LoadMetrics> loads = new LinkedHashMap<>();
    servers.forEach((name, s) -> {
      if (!name.equals("master")) {
        ManagedChannel channel = security.nettyBuilder(s[0]).build();
        try {
          loads.put(name, SubOrchestratorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
              .describe(DescribeRequest.getDefaultInstance()).getLoad());
        } finally {
          channel.shutdownNow();
        }
      }
    });
    return loads;
  }

  @Override
  public Map<String, String> instanceIds() {
    Map<String, String> ids = new LinkedHashMap<>();
    servers.forEach((name, s) -> {
      if (!name.equals("master")) {
        ids.put(name, s[2]);
      }
    });
    return ids;
  }

  @Override
  public void cancel(String planId) {
    ManagedChannel channel = security.nettyBuilder(masterAddress()).build();
    try {
      MasterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).cancelPlan(
          dev.baton.v1.CancelPlanRequest.newBuilder().setPlanId(planId).setReason("the test ended").build());
    } catch (StatusRuntimeException e) {
      // finished already, or no leader now: nothing more to do
    } finally {
      channel.shutdownNow();
    }
  }

  @Override
  public Journal journal() {
    return journal;
  }

  @Override
  public dev.baton.runtime.security.ClientSecurity security() {
    return security;
  }

  @Override
  public List<String> cliTlsArgs() {
    var user = dev.baton.cli.mesh.MeshPki.in(runDir.resolve("pki")).user();
    return List.of("--tls-ca", user.caBundle().toString(), "--tls-cert", user.certChain().toString(),
        "--tls-key", user.privateKey().toString());
  }

  /** Stops {@code baton up} (SIGTERM: it stops its children) and waits; kills what is left. */
  @Override
  public void close() {
    if (journal != null) {
      journal.close();
      journal = null;
    }
    List<ProcessHandle> children = up.descendants().toList();
    up.destroy();
    try {
      if (!up.waitFor(30, TimeUnit.SECONDS)) {
        up.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
