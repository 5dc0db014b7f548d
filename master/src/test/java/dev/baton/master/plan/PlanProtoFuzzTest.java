package dev.baton.master.plan;

import static dev.baton.runtime.fuzz.ParserContract.SHORT_RUN;
import static dev.baton.runtime.fuzz.ParserContract.returnsOrRefuses;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.baton.v1.Plan;

/**
 * {@code SubmitPlan} and {@code ValidatePlan} also take the plan as a {@code baton.v1.Plan}
 * message, which skips YAML and meets the validator directly, with values YAML would never
 * produce (negative numbers, empty strings, enum values past the known ones). Bytes that are not a
 * {@code Plan} never reach the validator (gRPC refuses them), so they are skipped here. Seeds: the
 * examples serialized, in {@code src/test/resources/dev/baton/master/plan/PlanProtoFuzzTestInputs/}.
 */
class PlanProtoFuzzTest {
  @FuzzTest(maxDuration = SHORT_RUN)
  void compilesOrRefusesAProto(byte[] data) {
    Plan plan;
    try {
      plan = Plan.parseFrom(data);
    } catch (InvalidProtocolBufferException notAPlan) {
      return;
    }
    returnsOrRefuses(PlanException.class, () -> PlanCompiler.compile(plan));
  }
}
