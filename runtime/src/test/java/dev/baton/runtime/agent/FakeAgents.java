package dev.baton.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.runtime.droid.DroidTask;
import dev.baton.runtime.droid.ProgressListener;
import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.v1.Budget;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DroidEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** The fake agent CLIs of src/test/resources/fake-agents and what the runner tests share. */
final class FakeAgents {
  static final Path DIR = Path.of("src/test/resources/fake-agents").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  private FakeAgents() {}

  /** The fake CLI (resources copied to target/ lose their executable bit, so the source tree's). */
  static Path binary(String kind) {
    Path binary = DIR.resolve(kind);
    if (!Files.isExecutable(binary) && !binary.toFile().setExecutable(true)) {
      throw new IllegalStateException(binary + " is not executable");
    }
    return binary;
  }

  /** Settings running the fake with a test log and scenario directory, and a host env with a stray secret. */
  static AgentSettings.Builder settings(String kind, Path root) {
    try {
      Files.createDirectories(root.resolve("home"));
      Files.createDirectories(root.resolve("scenarios"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return AgentSettings.builder(kind)
        .binary(binary(kind))
        .hostEnvironment(Map.of(
            "PATH", System.getenv("PATH"),
            "HOME", root.resolve("home").toString(),
            "ANTHROPIC_API_KEY", "sk-ant-test",
            "FACTORY_API_KEY", "fk-test",
            "OPENAI_API_KEY", "sk-openai-test",
            "UNRELATED_SECRET", "must-not-leak"))
        .environment("FAKE_AGENT_LOG", root.resolve("fake-agent.log").toString())
        .environment("FAKE_AGENT_SCENARIOS", root.resolve("scenarios").toString())
        .logDir(root.resolve("logs"))
        .killGrace(Duration.ofMillis(500))
        .drainGrace(Duration.ofSeconds(1));
  }

  static void scenario(Path root, String taskId, String json) throws IOException {
    Files.createDirectories(root.resolve("scenarios"));
    Files.writeString(root.resolve("scenarios").resolve(taskId + ".json"), json);
  }

  /** The records the fake wrote to its log (argv, env names, pids). */
  static List<JsonNode> log(Path root) {
    Path file = root.resolve("fake-agent.log");
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      List<JsonNode> records = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          records.add(JSON.readTree(line));
        }
      }
      return records;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> argv(Path root) {
    List<String> argv = new ArrayList<>();
    log(root).stream().filter(r -> r.has("argv") && r.get("argv").isArray()).findFirst()
        .ifPresent(r -> r.get("argv").forEach(a -> argv.add(a.asText())));
    return argv;
  }

  static List<String> envNames(Path root) {
    List<String> names = new ArrayList<>();
    log(root).stream().filter(r -> r.has("argv") && r.get("argv").isArray()).findFirst()
        .ifPresent(r -> r.get("env").forEach(a -> names.add(a.asText())));
    return names;
  }

  static DroidDefinition definition(String runner, String model, String autonomy, Budget budget) {
    return new DroidDefinition("coder", "writes code", runner, model, "", List.of("Read", "Write", "Edit"),
        List.of("WebFetch"), "acceptEdits", autonomy, 12, List.of("code"), budget,
        "You are a careful coder.", "test", DroidDefinition.Format.CLAUDE);
  }

  static DroidTask task(String taskId, Path workspace, DroidDefinition definition, Budget budget, String resume) {
    DelegationPackage delegation = DelegationPackage.newBuilder()
        .setPlanId("plan-1").setTaskId(taskId).setAttempt(resume.isEmpty() ? 1 : 2)
        .setTaskDescription("Build the thing").setBudget(budget).setResumeSessionId(resume)
        .build();
    return new DroidTask(delegation, "coder", definition, workspace, "Task: " + taskId + "\n\nBuild the thing.\n");
  }

  /** Collects a run's events and progress, in order. */
  static class Recorder implements ProgressListener {
    final List<DroidEvent> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void progress(double fraction, String message) {}

    @Override
    public void event(DroidEvent event) {
      events.add(event);
    }

    List<String> kinds() {
      synchronized (events) {
        return events.stream().map(e -> e.getKindCase().name()).toList();
      }
    }
  }
}
