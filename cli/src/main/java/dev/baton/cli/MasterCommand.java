package dev.baton.cli;

import dev.baton.cli.mesh.ReadyLine;
import dev.baton.master.MasterConfig;
import dev.baton.master.grpc.CallerLimits;
import dev.baton.master.MasterServer;
import dev.baton.master.journal.JournalException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code baton master}: the master orchestrator, with its embedded registry or with Consul. */
@Command(name = "master", mixinStandardHelpOptions = true,
    description = {
      "Runs the master orchestrator (baton.v1.Master and baton.v1.Coordination) with its embedded registry,",
      "or with Consul (--registry consul): it registers as baton-master and takes healthy instances from Consul.",
      "Prints one line 'BATON_READY role=master domain=- id=ID address=HOST:PORT' once serving."
    })
final class MasterCommand implements Callable<Integer> {
  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--advertise", paramLabel = "HOST", defaultValue = "${env:BATON_ADVERTISE}",
      description = "The host clients, standby masters' leader hints, Consul and the git URL name for this process, when it is not --host:"
          + " e.g. a DNS name its certificate carries while --host is a pod IP or 0.0.0.0 (default: $BATON_ADVERTISE,"
          + " else --host).")
  String advertise;

  @Option(names = "--port", defaultValue = "7233", description = "Port to listen on; 0 takes a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--id", defaultValue = "master", description = "The master's id (default: ${DEFAULT-VALUE}).")
  String id;

  @Option(names = "--git-dir", paramLabel = "DIR",
      description = "Caches of plans' remotes and the repositories this master serves (default: $TMPDIR/baton-git/<id>).")
  java.nio.file.Path gitDir;

  @Option(names = "--git-port", defaultValue = "0", paramLabel = "PORT",
      description = "Port of the git server for served repositories; 0 takes a free one, -1 serves none (default: ${DEFAULT-VALUE}).")
  int gitPort;

  @Option(names = "--import-local-repos",
      description = "Let plans name a local directory as spec.repository.url: it is imported and served"
          + " (baton up and baton demo turn this on; leave it off for a shared master).")
  boolean importLocalRepos;

  @Option(names = "--journal", paramLabel = "PATH|postgres://...",
      description = "Journal plans durably: a file (the embedded journal, one master) or postgres://user:pass@host:port/db "
          + "(several masters, one leading). A master restarted on its journal resumes its plans. "
          + "Default (or 'memory'): in memory only. See docs/journal.md.")
  String journal;

  @Option(names = "--max-plans-per-caller", paramLabel = "N",
      defaultValue = "" + CallerLimits.Settings.DEFAULT_PLANS_PER_CALLER,
      description = "Unfinished plans one caller may have at once; more are refused with RESOURCE_EXHAUSTED"
          + " (default: ${DEFAULT-VALUE}).")
  int maxPlansPerCaller;

  @Option(names = "--submissions-per-minute", paramLabel = "N",
      defaultValue = "" + CallerLimits.Settings.DEFAULT_SUBMISSIONS_PER_MINUTE,
      description = "SubmitPlan and ValidatePlan calls one caller may make per minute (default: ${DEFAULT-VALUE}).")
  int submissionsPerMinute;

  @Option(names = "--watch-streams-per-caller", paramLabel = "N",
      defaultValue = "" + CallerLimits.Settings.DEFAULT_WATCH_STREAMS_PER_CALLER,
      description = "WatchPlan streams one caller may hold open at once (default: ${DEFAULT-VALUE}).")
  int watchStreamsPerCaller;

  @Option(names = "--dashboard-port", paramLabel = "PORT", defaultValue = "${env:BATON_DASHBOARD_PORT:--1}",
      description = "Serve the web dashboard and its JSON API on this port of --host (HTTPS with the TLS flags, same"
          + " tokens and roles as the gRPC API; see docs/dashboard.md); 0 takes a free port, -1 serves none"
          + " (default: $BATON_DASHBOARD_PORT, else -1).")
  int dashboardPort = -1;

  @Mixin RegistryOptions registry = new RegistryOptions();

  @Mixin TlsOptions tls = new TlsOptions();

  @Mixin AuthOptions auth = new AuthOptions();

  @Mixin ProbeOptions probes = new ProbeOptions();

  @Option(names = "--parent-pid", hidden = true, description = "Exit when this process exits (set by launchers).")
  Long parentPid;

  @Override
  public Integer call() throws InterruptedException {
    probes.validate();
    if (dashboardPort < -1 || dashboardPort > 65_535) {
      throw CliException.invalidInput("--dashboard-port: " + dashboardPort
          + " (expected: a port 1..65535, 0 for a free one, or -1 for none)");
    }
    CallerLimits.Settings limits;
    try {
      limits = new CallerLimits.Settings(maxPlansPerCaller, submissionsPerMinute, watchStreamsPerCaller,
          CallerLimits.Settings.DEFAULT_MAX_CALLERS);
    } catch (IllegalArgumentException e) {
      throw CliException.invalidInput(e.getMessage());
    }
    MasterServer server;
    try {
      server = MasterServer.start(
          MasterConfig.builder().host(host).advertise(advertise).port(port).id(id).consul(registry.settings()).callerLimits(limits)
              .gitDir(gitDir).gitPort(gitPort).importLocalRepos(importLocalRepos)
              .journal(journal == null || journal.equals("memory") ? null : journal)
              .security(tls.security(host, auth.settings())).build());
    } catch (JournalException e) {
      // In use by another master, unreachable, not a journal: the message names it and the fix.
      throw CliException.invalidInput(e.getMessage());
    }
    dev.baton.runtime.server.HealthPort health;
    dev.baton.runtime.metrics.MetricsPort metrics;
    try {
      health = probes.healthPort < 0 ? null : server.startHealthPort(probes.healthPort);
      metrics = probes.startMetrics(host, registry -> dev.baton.master.MasterMetrics.bind(registry, server));
      if (dashboardPort >= 0) {
        server.startDashboard(dev.baton.master.dashboard.http.DashboardSettings.onPort(dashboardPort));
      }
    } catch (RuntimeException e) {
      server.close();
      throw CliException.invalidInput(e.getMessage());
    }
    return ServerProcess.serve(
        new ServerProcess.Server() {
          @Override
          public void awaitTermination() throws InterruptedException {
            server.awaitTermination();
          }

          @Override
          public void close() {
            server.close();
            // Last: probes see NOT_SERVING until the process is gone.
            if (metrics != null) {
              metrics.close();
            }
            if (health != null) {
              health.close();
            }
          }
        },
        new ReadyLine("master", "-", server.id(), server.address(), server.gitUrl().orElse(""),
            server.dashboardUrl().orElse("")),
        parentPid,
        System.out);
  }
}
