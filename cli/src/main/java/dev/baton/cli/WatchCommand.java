package dev.baton.cli;

import dev.baton.v1.PlanStatus;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton watch PLAN_ID}: a plan's events from its start until it finishes, across masters. */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = {
      "Follows a plan from its first event until it finishes, on any master, resuming after the last event seen",
      "when a master goes away (no event lost or shown twice). Exits 0 when the plan succeeded, 1 otherwise."
    })
final class WatchCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PLAN_ID")
  String planId;

  @Option(names = "--output", defaultValue = "text", paramLabel = "text|json",
      description = "text, or json: event lines go to stderr and the final PlanStatus to stdout as the proto JSON mapping.")
  Output output;

  @Mixin MasterOption master;

  @Override
  public Integer call() {
    PrintStream out = System.out;
    try (MasterClient client = master.connect()) {
      PlanStatus initial = client.getPlan(planId);
      WatchView view = output == Output.json ? WatchView.lines(System.err)
          : WatchView.forOutput(initial, out, WatchView.stdoutIsTerminal());
      PlanStatus finalStatus = PlanRun.follow(client, initial, view);
      if (output == Output.json) {
        out.println(ProtoJson.print(finalStatus));
      } else {
        PlanReport.summary(finalStatus, out);
      }
      return PlanRun.exitCodeOf(finalStatus.getState());
    }
  }
}
