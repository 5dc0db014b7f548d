package dev.baton.master.plan;

import static dev.baton.runtime.fuzz.ParserContract.SHORT_RUN;
import static dev.baton.runtime.fuzz.ParserContract.returnsOrRefuses;
import static dev.baton.runtime.fuzz.ParserContract.text;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * A plan's YAML is the widest door into the master: {@code baton validate}, {@code baton submit}
 * and {@code SubmitPlan}'s {@code plan_yaml} all take it through {@link PlanCompiler#compileYaml}
 * (reader, proto mapping, validator, router, analyses). It must compile or throw
 * {@link PlanException}. Seeds: the examples and a few broken plans, in
 * {@code src/test/resources/dev/baton/master/plan/PlanYamlFuzzTestInputs/}.
 */
class PlanYamlFuzzTest {
  @FuzzTest(maxDuration = SHORT_RUN)
  void compilesOrRefusesYaml(byte[] data) {
    String yaml = text(data);
    returnsOrRefuses(PlanException.class, () -> PlanCompiler.compileYaml(yaml));
  }
}
