package dev.baton.master.plan;

import static dev.baton.master.plan.TestPlans.task;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link PlanFuzzTest} found (in branch fuzz2, as PlanProtoFuzzTest), as plain tests with the
 * expected message (the input is kept as PlanFuzzTestInputs/proto/crash-8a062a96...).
 */
class PlanFuzzFindingsTest {
  @Test
  void aLineBreakInAQuotedValueIsShownEscapedSoTheMessageStaysOneLine() {
    // Found by fuzzing the proto plan: a task id with a line break was quoted as it was, so a submitter
    // could forge lines in `baton validate`'s output and in the master's log.
    assertThatThrownBy(() -> TestPlans.compile("parallel", task("inventory-manag\n   t", "backend", "10m")))
        .isInstanceOf(PlanException.class)
        .hasMessage("spec.tasks[0].id: 'inventory-manag\\n   t' is not a valid task id"
            + " (expected: 1 to 63 characters of a-z, 0-9 and '-')");
  }

  @Test
  void aHugeQuotedValueIsCutButTheExpectedFormIsKept() {
    // Under the 64 KiB bound of a string field, far over a readable message.
    String id = "x".repeat(60_000) + "!";

    assertThatThrownBy(() -> TestPlans.compile("parallel", List.of(task(id, "backend", "10m")), List.of()))
        .isInstanceOf(PlanException.class)
        .hasMessageStartingWith("spec.tasks[0].id: 'xxx")
        .hasMessageContaining("characters cut]")
        .hasMessageEndingWith("x!' is not a valid task id (expected: 1 to 63 characters of a-z, 0-9 and '-')")
        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(
            PlanException.MAX_MESSAGE));
  }
}
