package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs clients/python/examples/submit_and_watch.py in the venv of scripts/tools/python-client.sh
 * (install-tools.sh --python-client, run by this module's build) and checks what it printed.
 */
final class PythonExample {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);
  private static final Pattern EVENT = Pattern.compile("#(\\d+) (\\w+)(.*)");
  static final Pattern SUBMITTED = Pattern.compile("submitted plan (\\S+) to (\\S+)");

  private PythonExample() {}

  /**
   * The example's stdout: the submission line, events #1..#N without gaps starting with plan_accepted,
   * each task succeeding, plan_finished SUCCEEDED last, then the closing line; returns the plan id.
   */
  static String assertSucceededInOrder(Run run, List<String> tasks) {
    List<String> lines = run.stdout().lines().toList();
    Matcher submitted = SUBMITTED.matcher(lines.get(0));
    assertThat(submitted.matches()).as(run.describe()).isTrue();
    String planId = submitted.group(1);
    List<String> events = lines.stream().filter(l -> l.startsWith("#")).toList();
    assertThat(events).as(run.describe()).hasSizeGreaterThanOrEqualTo(2 + 3 * tasks.size());
    List<String> succeeded = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      Matcher m = EVENT.matcher(events.get(i));
      assertThat(m.matches()).as(events.get(i)).isTrue();
      assertThat(Long.parseLong(m.group(1))).as("sequence of " + events.get(i)).isEqualTo(i + 1);
      if (m.group(2).equals("task_succeeded")) {
        succeeded.add(m.group(3).replaceAll(".*task_id=(\\S+).*", "$1"));
      }
    }
    assertThat(events.get(0)).startsWith("#1 plan_accepted");
    assertThat(events.get(events.size() - 1)).endsWith("plan_finished state=PLAN_STATE_SUCCEEDED");
    assertThat(succeeded).containsExactlyInAnyOrderElementsOf(tasks);
    // hello-page depends on the other two: it succeeds last
    assertThat(succeeded.get(succeeded.size() - 1)).isEqualTo("hello-page");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("plan " + planId + ": PLAN_STATE_SUCCEEDED");
    return planId;
  }

  /** What the example printed and how it exited. */
  record Run(int exitCode, String stdout, String stderr) {
    String describe() {
      return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
  }

  /** Runs clients/python/examples/submit_and_watch.py in the venv, with only {@code env}'s BATON_* variables. */
  static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    Path root = TestPaths.repoRoot();
    Path python = TestPaths.tool("../python-client/bin/python");
    List<String> command = new ArrayList<>(List.of(python.toString(),
        root.resolve("clients/python/examples/submit_and_watch.py").toString(), "--retry-for", "10"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().keySet().removeIf(k -> k.startsWith("BATON_"));
    builder.environment().putAll(env);
    builder.environment().put("PYTHONPATH", root.resolve("clients/python/src").toString());
    Path out = Files.createTempFile("pyclient-", ".out");
    Path err = Files.createTempFile("pyclient-", ".err");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      if (!process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        throw new AssertionError("submit_and_watch.py ran over " + RUN_TIMEOUT.toSeconds() + " s; stdout so far:\n"
            + Files.readString(out, StandardCharsets.UTF_8));
      }
      return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
