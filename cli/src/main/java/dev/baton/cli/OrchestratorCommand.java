package dev.baton.cli;

import dev.baton.cli.mesh.ReadyLine;
import dev.baton.runtime.orchestrator.AgentOptions;
import dev.baton.runtime.orchestrator.OrchestratorMetrics;
import dev.baton.runtime.orchestrator.OrchestratorConfig;
import dev.baton.runtime.registry.ConsulSettings;
import dev.baton.runtime.orchestrator.Specialisation;
import dev.baton.runtime.orchestrator.Specialisations;
import dev.baton.runtime.orchestrator.SubOrchestratorServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code baton orchestrator --domain D}: one sub-orchestrator, registered with a master. */
@Command(
    name = "orchestrator",
    mixinStandardHelpOptions = true,
    description = {
      "Runs one specialised sub-orchestrator as a gRPC server and registers it with the master.",
      "Prints one line 'BATON_READY role=orchestrator domain=D id=ID address=HOST:PORT' once serving."
    })
final class OrchestratorCommand implements Callable<Integer> {
  @Option(names = "--domain", required = true, paramLabel = "DOMAIN",
      description = "The specialisation: frontend, backend, devops or testing.")
  String domain;

  @Option(names = "--master", paramLabel = "HOST:PORT[,HOST:PORT...]",
      defaultValue = "${env:BATON_MASTER:-" + MasterOption.DEFAULT_ADDRESS + "}",
      description = "Address of the master's Coordination service, or of several masters of which one leads"
          + " (tried in turn; a standby names the leader), at most " + OrchestratorConfig.MAX_MASTERS
          + " (default: $BATON_MASTER or ${DEFAULT-VALUE}); not with Consul, where the master is the holder of"
          + " the leader key baton/leader, else a passing baton-master.")
  String master;

  @Option(names = "--host", defaultValue = OrchestratorConfig.DEFAULT_HOST,
      description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--advertise", paramLabel = "HOST", defaultValue = "${env:BATON_ADVERTISE}",
      description = "The host the master and peers (its registration and Consul) name for this process, when it is not --host:"
          + " e.g. a DNS name its certificate carries while --host is a pod IP or 0.0.0.0 (default: $BATON_ADVERTISE,"
          + " else --host).")
  String advertise;

  @Option(names = "--port", defaultValue = "0",
      description = "Port to listen on; 0 takes a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--id", description = "Instance id (default: <domain>-orchestrator-<6 hex>).")
  String id;

  @Option(names = "--workspace", paramLabel = "DIR",
      description = "Directory under which command droids get their workspaces (default: $TMPDIR/baton-workspaces).")
  Path workspace;

  @Option(names = "--max-concurrent-tasks", defaultValue = "0",
      description = "Overrides the specialisation's max_concurrent_tasks; 0 keeps it (default: ${DEFAULT-VALUE}).")
  int maxConcurrentTasks;

  @Option(names = "--droids", paramLabel = "DIR",
      description = "A directory of droid definition *.md files (Factory or Claude Code format) whose droids"
          + " override the built-in ones by name and add to them; see 'baton droids list DIR --domain D'.")
  Path droids;

  @Option(names = "--runner", paramLabel = "RUNNER", defaultValue = AgentOptions.DEFAULT_RUNNER,
      description = "Runner of droids whose definition names none: sim, scripted, claude, droid, codex"
          + " (default: ${DEFAULT-VALUE}). A task with `run` always uses command; a plan's spec.runner wins.")
  String runner;

  @Option(names = "--claude-bin", paramLabel = "PATH", defaultValue = "${env:BATON_CLAUDE_BIN:-claude}",
      description = "The claude CLI (default: $BATON_CLAUDE_BIN or claude on PATH).")
  String claudeBin;

  @Option(names = "--droid-bin", paramLabel = "PATH", defaultValue = "${env:BATON_DROID_BIN:-droid}",
      description = "Factory's droid CLI (default: $BATON_DROID_BIN or droid on PATH).")
  String droidBin;

  @Option(names = "--codex-bin", paramLabel = "PATH", defaultValue = "${env:BATON_CODEX_BIN:-codex}",
      description = "The codex CLI (default: $BATON_CODEX_BIN or codex on PATH).")
  String codexBin;

  @Option(names = "--agent-args", paramLabel = "CLI=ARGS", mapFallbackValue = "",
      description = "Arguments added to a CLI's command line after Baton's own flags, split at spaces:"
          + " --agent-args 'claude=--mcp-config /etc/mcp.json' (repeatable, one per CLI).")
  Map<String, String> agentArgs = new java.util.LinkedHashMap<>();

  @Option(names = "--scenarios", paramLabel = "DIR", defaultValue = "${env:BATON_SCENARIOS}",
      description = "Scenarios of the scripted runner (<task-id>.yaml|.json); else the worktree's .baton/scenarios.")
  Path scenarios;

  @Option(names = "--prices", paramLabel = "FILE",
      description = "USD per million tokens per model, for runners that report no cost (docs/agents.md).")
  Path prices;

  @Option(names = "--prompt-template", paramLabel = "FILE",
      description = "A Mustache template replacing the built-in prompt (docs/agents.md).")
  Path promptTemplate;

  @Option(names = "--secrets", paramLabel = "DIR",
      description = "A file per API key variable (ANTHROPIC_API_KEY...), read when the variable is unset.")
  Path secrets;

  @Option(names = "--repo-files", paramLabel = "DIR",
      description = "Where files a worktree needs but git ignores (spec.repository.setup.copy) are copied from.")
  Path repoFiles;

  @Option(names = "--git-dir", paramLabel = "DIR",
      description = "Caches of remotes and task worktrees (default: <workspace>/git).")
  Path gitDir;

  @Option(names = "--policy", paramLabel = "FILE", defaultValue = "${env:BATON_POLICY}",
      description = "The droid policy: runners, commands, autonomy per role, environment and network droids may"
          + " have (default: the built-in one, which allows everything; see docs/security.md, examples/policy.yaml).")
  Path policy;

  @Option(names = "--containment", paramLabel = "KIND", defaultValue = "${env:BATON_CONTAINMENT:-auto}",
      description = "What every process started for a task runs in, so that a cancel kills it whole:"
          + " auto (default: the strongest that works here), pid-namespace, cgroup, process-tree"
          + " (docs/security.md).")
  String containment;

  @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "${env:BATON_DRAIN_TIMEOUT:-30s}",
      description = "On SIGTERM, how long the tasks this instance holds may take to finish before it stops"
          + " (it takes no new task meanwhile; what is left fails over to another instance): 30s, 2m, 0 to"
          + " stop at once, at most 1h (default: $BATON_DRAIN_TIMEOUT, else 30s). Set Kubernetes'"
          + " terminationGracePeriodSeconds a little above it.")
  String drainTimeout;

  @Mixin RegistryOptions registry = new RegistryOptions();

  @Mixin TlsOptions tls = new TlsOptions();

  @Mixin AuthOptions auth = new AuthOptions();

  @Mixin ProbeOptions probes = new ProbeOptions();

  @Spec CommandSpec spec;

  @Option(names = "--parent-pid", hidden = true, description = "Exit when this process exits (set by launchers).")
  Long parentPid;

  private AgentOptions agentOptions() {
    try {
      Map<String, java.util.List<String>> extra = new java.util.LinkedHashMap<>();
      agentArgs.forEach((cli, args) -> extra.put(cli, args.isBlank() ? java.util.List.of()
          : java.util.List.of(args.strip().split("\\s+"))));
      return new AgentOptions(runner, Map.of("claude", claudeBin, "droid", droidBin, "codex", codexBin), extra, scenarios,
          prices, promptTemplate, secrets, repoFiles, gitDir);
    } catch (IllegalArgumentException e) {
      throw CliException.invalidInput("--" + e.getMessage());
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    probes.validate();
    probes.installMetrics();
    ConsulSettings consul = registry.settings();
    if (consul != null && spec.commandLine().getParseResult().hasMatchedOption("--master")) {
      throw CliException.invalidInput("--master " + master + " with Consul (expected: one of them; with Consul"
          + " the master is found as service baton-master)");
    }
    Tracing.init("baton-orchestrator-" + domain);
    Specialisation specialisation = Specialisations.find(domain);
    OrchestratorConfig.Builder config =
        OrchestratorConfig.builder()
            .host(host)
            .advertise(advertise)
            .port(port)
            .masterAddress(consul == null ? master : null)
            .consul(consul)
            .instanceId(id)
            .maxConcurrentTasks(maxConcurrentTasks)
            .droidsDir(droids)
            .agents(agentOptions())
            .security(tls.security(host, auth.settings()))
            // git presents the same certificate to the master's https git server
            .gitTls(tls.files())
            .containment(containment);
    if (policy != null) {
      try {
        config.policy(dev.baton.runtime.policy.PolicyParser.read(policy));
      } catch (dev.baton.runtime.policy.PolicyException e) {
        throw CliException.invalidInput("--policy: " + e.getMessage());
      }
    }
    if (workspace != null) {
      config.workspaceRoot(workspace);
    }
    Duration drain = RetryPolicy.parseDuration("--drain-timeout", drainTimeout, "stops at once");
    SubOrchestratorServer server = SubOrchestratorServer.start(config.build(), specialisation);
    dev.baton.runtime.server.HealthPort health;
    dev.baton.runtime.metrics.MetricsPort metrics;
    try {
      health = probes.healthPort < 0 ? null : server.startHealthPort(probes.healthPort);
      metrics = probes.startMetrics(host, registry -> OrchestratorMetrics.bind(registry, server));
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
            // SIGTERM (Kubernetes deleting the pod, Ctrl-C): finish or hand back the tasks held.
            server.drainAndClose(drain);
            // Last: probes see NOT_SERVING until the process is gone.
            if (metrics != null) {
              metrics.close();
            }
            if (health != null) {
              health.close();
            }
          }
        },
        new ReadyLine("orchestrator", domain, server.instanceId(), server.address()),
        parentPid,
        System.out);
  }
}
