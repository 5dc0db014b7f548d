package dev.baton.cli;

import dev.baton.v1.PlanStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton status PLAN_ID}: a plan's state now. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Shows a plan's tasks and sync points now.")
final class StatusCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PLAN_ID")
  String planId;

  @Option(names = "--output", defaultValue = "text", paramLabel = "text|json",
      description = "text, or json: the PlanStatus as the proto JSON mapping.")
  Output output;

  @Mixin MasterOption master;

  @Override
  public Integer call() {
    try (MasterClient client = master.connect()) {
      PlanStatus status = client.getPlan(planId);
      if (output == Output.json) {
        System.out.println(ProtoJson.print(status));
      } else {
        PlanReport.status(status, System.out);
        if (PlanWatcher.isTerminal(status.getState()) && status.hasSummary()) {
          PlanReport.summary(status, System.out);
        }
      }
      return ExitCodes.OK;
    }
  }
}
