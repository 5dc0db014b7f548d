package dev.baton.cli;

import dev.baton.v1.PlanStatus;
import dev.baton.v1.SubmitPlanResponse;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton submit PLAN}: sends a plan file to the master and optionally follows it. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Submits a plan to the master. Without --wait or --watch it prints the plan id and returns;",
      "with them it follows the plan and exits 0 when it succeeded, 1 when it failed or was cancelled."
    })
final class SubmitCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PLAN", description = "The plan YAML file.")
  Path plan;

  static final class Follow {
    @Option(names = "--wait", description = "Wait quietly until the plan finishes.")
    boolean waitQuietly;

    @Option(names = "--watch", description = "Show live progress until the plan finishes.")
    boolean watch;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Follow follow = new Follow();

  @Option(names = "--output", defaultValue = "text", paramLabel = "text|json",
      description = "text, or json: the final PlanStatus (or the submit response) as the proto JSON mapping.")
  Output output;

  @Option(names = "--time-scale", defaultValue = "0", paramLabel = "X",
      description = "Multiplies the sim droids' estimates: 0.001 makes a plan minute 60 ms; 0 means 1.")
  double timeScale;

  @Mixin MasterOption master;

  @Mixin DroidRunOptions droids = new DroidRunOptions();

  @Override
  public Integer call() {
    PlanRun.checkTimeScale(timeScale);
    String yaml = PlanFiles.read(plan);
    PrintStream out = System.out;
    try (MasterClient client = master.connect()) {
      SubmitPlanResponse response = PlanRun.submit(client, yaml, timeScale, droids, plan);
      if (!follow.watch && !follow.waitQuietly) {
        if (output == Output.json) {
          out.println(ProtoJson.print(response));
        } else {
          out.println("submitted plan " + response.getPlanId() + " (" + response.getStatus().getName() + ", "
              + response.getStatus().getTasksCount() + " tasks); follow it with: baton status "
              + response.getPlanId());
        }
        return ExitCodes.OK;
      }
      WatchView view;
      if (follow.waitQuietly) {
        view = WatchView.quiet();
      } else if (output == Output.json) {
        view = WatchView.lines(System.err); // stdout stays pure JSON
      } else {
        view = WatchView.forOutput(response.getStatus(), out, WatchView.stdoutIsTerminal());
      }
      if (output == Output.text) {
        out.println("plan " + response.getPlanId() + " (" + response.getStatus().getName() + ") submitted to "
            + client.address());
      }
      PlanStatus finalStatus = PlanRun.follow(client, response.getStatus(), view);
      if (output == Output.json) {
        out.println(ProtoJson.print(finalStatus));
      } else {
        PlanReport.summary(finalStatus, out);
      }
      return PlanRun.exitCodeOf(finalStatus.getState());
    }
  }
}
