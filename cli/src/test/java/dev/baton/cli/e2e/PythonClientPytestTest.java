package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Python client's own unit tests (clients/python/tests: settings, leader following, tokens,
 * resumed watches, the example's output and errors, against real in-process gRPC servers), run by
 * pytest in the venv of scripts/tools/python-client.sh, so that the test command runs them too.
 */
class PythonClientPytestTest {
  private static final Pattern SUMMARY = Pattern.compile("(\\d+) passed");

  @Test
  void thePythonClientsUnitTestsPass() {
    Path root = TestPaths.repoRoot();
    Path python = TestPaths.tool("../python-client/bin/python");
    ProcessRun run = ProcessRun.exec(List.of("env", "-u", "BATON_TOKEN", "-u", "BATON_MASTER", python.toString(),
        "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", root.resolve("clients/python").toString(),
        root.resolve("clients/python/tests").toString()), Duration.ofSeconds(120));

    assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
    Matcher passed = SUMMARY.matcher(run.stdout());
    assertThat(passed.find()).as(run.stdout()).isTrue();
    // guards against a run that collected nothing: the suite had 23 tests when this was written
    assertThat(Integer.parseInt(passed.group(1))).as(run.stdout()).isGreaterThanOrEqualTo(20);
  }
}
