package dev.baton.master.plan;

import static dev.baton.runtime.fuzz.ParserContract.SHORT_RUN;
import static dev.baton.runtime.fuzz.ParserContract.returnsOrRefuses;
import static dev.baton.runtime.fuzz.ParserContract.text;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * A plan's YAML is the widest door into the master: {@code baton validate}, {@code baton submit}
 * and {@code SubmitPlan}'s {@code plan_yaml} all take it through {@link PlanCompiler#compileYaml}
 * (reader, proto mapping, validator, router, analyses). It must compile or throw
 * {@link PlanException}. And since {@code baton submit} sends the plan as the proto
 * {@link PlanCompiler#parseYaml} makes, a plan that compiles from YAML must compile from that proto
 * too, with the same tasks ("a plan means the same whether it came from a file or over gRPC").
 * Seeds: the examples and a few broken plans, in
 * {@code src/test/resources/dev/baton/master/plan/PlanYamlFuzzTestInputs/}.
 */
class PlanYamlFuzzTest {
  @FuzzTest(maxDuration = SHORT_RUN)
  void compilesOrRefusesYaml(byte[] data) {
    String yaml = text(data);
    PlanModel.Plan fromYaml = returnsOrRefuses(PlanException.class, () -> PlanCompiler.compileYaml(yaml));
    if (fromYaml == null) {
      return;
    }
    PlanModel.Plan fromProto = PlanCompiler.compile(PlanCompiler.parseYaml(yaml));
    if (!fromProto.tasks().equals(fromYaml.tasks()) || !fromProto.syncPoints().equals(fromYaml.syncPoints())) {
      throw new AssertionError("the plan compiles to other tasks or sync points from its proto than from its YAML:\n"
          + yaml);
    }
  }
}
