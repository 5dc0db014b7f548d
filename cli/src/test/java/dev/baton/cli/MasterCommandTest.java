package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The master's per-caller limit flags: documented with their defaults, a bad value exit 2 in one line. */
class MasterCommandTest {
  private record Run(int exitCode, String out, String err) {}

  private static Run baton(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Baton.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void refusesAZeroLimitBeforeServingAndNamesTheFlag() {
    Run run = baton("master", "--port", "0", "--max-plans-per-caller", "0");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(run.err()).isEqualTo("baton: plansPerCaller (--max-plans-per-caller): 0 (expected: 1..1000000)\n");
  }

  @Test
  void documentsTheLimitsWithTheirDefaults() {
    Run run = baton("master", "--help");

    String help = run.out().replaceAll("\\s+", " "); // picocli wraps the descriptions
    assertThat(help).contains("--max-plans-per-caller=N Unfinished plans one caller may have at once")
        .contains("RESOURCE_EXHAUSTED (default: 100)")
        .contains("--submissions-per-minute=N SubmitPlan and ValidatePlan calls one caller may make per minute"
            + " (default: 600)")
        .contains("--watch-streams-per-caller=N WatchPlan streams one caller may hold open at once (default: 64)");
  }
}
