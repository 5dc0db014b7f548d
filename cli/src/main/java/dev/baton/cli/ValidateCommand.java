package dev.baton.cli;

import dev.baton.master.plan.PlanCompiler;
import dev.baton.master.plan.PlanModel;
import dev.baton.master.plan.PlanProtos;
import dev.baton.v1.ValidatePlanResponse;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code baton validate PLAN}: compiles a plan here, with the master's own compiler, so a plan can
 * be checked and its analysis read without any server running.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {
      "Checks a plan without running it (no master needed) and prints its analysis: routing with",
      "reasons, levels, critical path, estimated against sequential makespan. Exit 2 when invalid."
    })
final class ValidateCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PLAN", description = "The plan YAML file.")
  Path plan;

  @Option(names = "--output", defaultValue = "text", paramLabel = "text|json",
      description = "text, or json: a ValidatePlanResponse (the normalised plan and its analysis).")
  Output output;

  @Override
  public Integer call() {
    PlanModel.Plan model = compile(PlanFiles.read(plan));
    ValidatePlanResponse response =
        ValidatePlanResponse.newBuilder()
            .setPlan(PlanProtos.toProto(model))
            .setAnalysis(PlanProtos.analysisToProto(model))
            .build();
    if (output == Output.json) {
      System.out.println(ProtoJson.print(response));
    } else {
      PlanReport.analysis(response.getPlan(), response.getAnalysis(), System.out);
    }
    return ExitCodes.OK;
  }

  /**
   * The compiled plan; a PlanException (exit 2, one line) when it is invalid, or when it holds a
   * key-shaped value or a path out of the workspace (the master's checks that need no instance).
   */
  static PlanModel.Plan compile(String yaml) {
    PlanModel.Plan plan = PlanCompiler.compileYaml(yaml);
    try {
      dev.baton.master.policy.PlanPolicyGate.checkContent(plan);
    } catch (dev.baton.runtime.server.BatonException e) {
      throw CliException.invalidInput(e.getMessage());
    }
    return plan;
  }
}
