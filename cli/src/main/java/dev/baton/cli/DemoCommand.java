package dev.baton.cli;

import dev.baton.v1.PlanStatus;
import dev.baton.v1.SubmitPlanResponse;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code baton demo}: a whole run in one command. Starts the mesh, runs a plan (the e-commerce
 * example unless another is given) with live progress, prints the summary and stops the mesh.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
      "Starts the master and four sub-orchestrators, runs a plan with live progress, prints a summary",
      "(estimated against measured makespan, per orchestrator, per level, sync points) and stops them.",
      "Exit 0 when the plan succeeded."
    })
final class DemoCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "PLAN",
      description = "Plan file (default: examples/ecommerce.yaml, or the copy inside the jar).")
  Path plan;

  @Option(names = "--time-scale", defaultValue = "0.001", paramLabel = "X",
      description = "Multiplies the sim droids' estimates: 0.001 makes a plan minute 60 ms (default: ${DEFAULT-VALUE}).")
  double timeScale;

  @Option(names = "--base-port", defaultValue = "0",
      description = "The master's port; the orchestrators take the next four. 0 takes free ports (default: ${DEFAULT-VALUE}).")
  int basePort;

  @Mixin RegistryOptions registry = new RegistryOptions();

  @Mixin DroidRunOptions droids = new DroidRunOptions();

  @Option(names = "--run-dir", paramLabel = "DIR",
      description = "Where each process's log goes (default: $TMPDIR/baton-runs/<time>-<pid>).")
  Path runDir;

  @Override
  public Integer call() {
    PlanRun.checkTimeScale(timeScale);
    PlanFiles.Source source = PlanFiles.demoPlan(plan);
    // Refuse a broken plan before starting five processes.
    ValidateCommand.compile(source.yaml());
    PrintStream out = System.out;
    // The dashboard on a free port: printAddresses prints "dashboard: URL" to open while the plan runs.
    try (LocalMesh local = LocalMesh.start(basePort, runDir == null ? LocalMesh.defaultRunDir() : runDir, out,
        registry.settings(), 0);
        MasterClient client = local.client()) {
      out.println("mesh up:");
      local.printAddresses(out);
      SubmitPlanResponse response = PlanRun.submit(client, source.yaml(), timeScale, droids, source.file());
      out.println();
      out.println("running " + source.name() + " as plan " + response.getPlanId() + " ("
          + response.getStatus().getTasksCount() + " tasks, time scale " + PlanReport.scale(timeScale) + ")");
      out.flush();
      PlanStatus finalStatus =
          PlanRun.follow(client, response.getStatus(),
              WatchView.forOutput(response.getStatus(), out, WatchView.stdoutIsTerminal()));
      PlanReport.summary(finalStatus, out);
      IntegrationLog.print(finalStatus, local.runDir(), out);
      out.println();
      out.println("stopping the mesh...");
      out.flush();
      return PlanRun.exitCodeOf(finalStatus.getState());
    }
  }
}
