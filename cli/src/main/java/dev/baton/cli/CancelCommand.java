package dev.baton.cli;

import dev.baton.v1.CancelPlanResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton cancel PLAN_ID}: stops a plan's running work. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
    description = "Cancels a running plan: its running tasks are stopped, their processes killed.")
final class CancelCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PLAN_ID")
  String planId;

  @Option(names = "--reason", defaultValue = "cancelled from the command line",
      description = "Recorded in the plan's status (default: ${DEFAULT-VALUE}).")
  String reason;

  @Option(names = "--output", defaultValue = "text", paramLabel = "text|json",
      description = "text, or json: the CancelPlanResponse as the proto JSON mapping.")
  Output output;

  @Mixin MasterOption master;

  @Override
  public Integer call() {
    try (MasterClient client = master.connect()) {
      CancelPlanResponse response = client.cancel(planId, reason);
      if (output == Output.json) {
        System.out.println(ProtoJson.print(response));
      } else {
        System.out.println("plan " + planId + ": " + EventFormat.state(response.getStatus().getState()));
      }
      return ExitCodes.OK;
    }
  }
}
