package dev.baton.cli;

import dev.baton.v1.GetDashboardResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code baton dashboard}: the seed's MultiOrchestratorDashboard, now. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
    description = "Shows the orchestrators, their load and health, and the coordination metrics.")
final class DashboardCommand implements Callable<Integer> {
  @Option(names = "--output", defaultValue = "text", paramLabel = "text|json",
      description = "text, or json: the GetDashboardResponse as the proto JSON mapping.")
  Output output;

  @Mixin MasterOption master;

  @Override
  public Integer call() {
    try (MasterClient client = master.connect()) {
      GetDashboardResponse dashboard = client.dashboard();
      if (output == Output.json) {
        System.out.println(ProtoJson.print(dashboard));
      } else {
        PlanReport.dashboard(dashboard.getDashboard(), client.listOrchestrators(), System.out);
      }
      return ExitCodes.OK;
    }
  }
}
