package dev.baton.cli;

import dev.baton.v1.ListPlansResponse;
import dev.baton.v1.PlanSummaryLine;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code baton list}: the plans a master knows, newest first. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the plans the masters know, newest first.")
final class ListCommand implements Callable<Integer> {
  @Option(names = "--output", defaultValue = "text", paramLabel = "text|json",
      description = "text, or json: the ListPlansResponse as the proto JSON mapping.")
  Output output;

  @Mixin MasterOption master;

  @Override
  public Integer call() {
    try (MasterClient client = master.connect()) {
      ListPlansResponse plans = client.listPlans();
      if (output == Output.json) {
        System.out.println(ProtoJson.print(plans));
        return ExitCodes.OK;
      }
      if (plans.getPlansCount() == 0) {
        System.out.println("no plans");
      }
      for (PlanSummaryLine p : plans.getPlansList()) {
        System.out.printf("%-40s %-10s %d/%d tasks succeeded  %s%n", p.getPlanId(), EventFormat.state(p.getState()),
            p.getTasksSucceeded(), p.getTasks(), p.getName());
      }
      return ExitCodes.OK;
    }
  }
}
