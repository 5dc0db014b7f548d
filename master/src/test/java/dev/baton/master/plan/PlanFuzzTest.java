package dev.baton.master.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.baton.runtime.fuzz.FuzzContract;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.baton.v1.Plan;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzz targets for the way plans come in: YAML text (the CLI's {@code validate}
 * and {@code SubmitPlan.plan_yaml}) and the serialized proto ({@code SubmitPlan.plan}). The contract
 * of {@link PlanCompiler}: a compiled plan or a {@link PlanException}, quickly; anything else (an
 * NPE, an IndexOutOfBounds, a StackOverflowError, a hang) is a finding.
 *
 * <p>Seeds are plain files in {@code src/test/resources/dev/baton/master/plan/PlanFuzzTestInputs/<target>/}:
 * the examples' plans for {@code yaml}, their serialized protos for {@code proto}. A {@code crash-*}
 * file there is a finding kept as a regression input. See docs/security.md, "Fuzzing".
 */
class PlanFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void yaml(byte[] input) {
    FuzzContract.within(() -> checkYaml(input));
  }

  private static void checkYaml(byte[] input) {
    String yaml = new String(input, StandardCharsets.UTF_8);
    Plan proto;
    try {
      proto = PlanCompiler.parseYaml(yaml);
    } catch (PlanException expected) {
      assertThat(expected.getMessage()).isNotBlank();
      return;
    }
    try {
      PlanModel.Plan plan = PlanCompiler.compileYaml(yaml);
      assertThat(plan.tasks()).isNotEmpty();
      // What the CLI shows is what the master runs: the proto a client sends compiles alike.
      assertThat(PlanCompiler.compile(proto).tasks()).hasSameSizeAs(plan.tasks());
    } catch (PlanException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @FuzzTest(maxDuration = "10s")
  void proto(byte[] input) {
    FuzzContract.within(() -> checkProto(input));
  }

  private static void checkProto(byte[] input) {
    Plan proto;
    try {
      proto = Plan.parseFrom(input);
    } catch (InvalidProtocolBufferException notAPlan) {
      return;
    }
    try {
      assertThat(PlanCompiler.compile(proto).tasks()).isNotEmpty();
    } catch (PlanException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }
}
