package dev.baton.runtime.agent;

import dev.baton.runtime.droid.DroidExecutor;
import dev.baton.runtime.droid.DroidOutcome;
import dev.baton.runtime.droid.DroidTask;
import dev.baton.runtime.droid.ProgressListener;
import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.v1.Budget;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.DroidEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A tiny task against a REAL agent CLI, for {@code scripts/smoke-agent.sh} (which checks the API key
 * first). Not a test: it costs money and needs the network, so no test calls it.
 *
 * <p>Usage: {@code AgentSmoke <claude|droid|codex> [binary]}; exits 0 when the agent succeeded and
 * wrote the file it was asked to.
 */
public final class AgentSmoke {
  private AgentSmoke() {}

  public static void main(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "claude";
    String binary = args.length > 1 ? args[1] : kind;
    Path workspace = Files.createTempDirectory("baton-smoke-" + kind);
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
    AgentSettings settings = AgentSettings.builder(kind).binary(binary).build();
    DroidExecutor runner = switch (kind) {
      case "claude" -> new ClaudeRunner(settings, scheduler);
      case "droid" -> new FactoryDroidRunner(settings, scheduler);
      case "codex" -> new CodexRunner(settings, scheduler);
      default -> throw new IllegalArgumentException("runner: '" + kind + "' (expected: claude, droid or codex)");
    };
    Budget budget = Budget.newBuilder().setUsd(0.25).setTurns(8).setWallMillis(180_000).build();
    DroidDefinition definition = new DroidDefinition("smoke", "writes one file", kind, "", "", List.of(), List.of(),
        "acceptEdits", "claude".equals(kind) ? "" : "droid".equals(kind) ? "low" : "workspace-write", 8, List.of(),
        budget, "You are a careful assistant. Do exactly what is asked, nothing more.", "smoke",
        DroidDefinition.Format.BUILT_IN);
    DelegationPackage delegation = DelegationPackage.newBuilder().setPlanId("smoke").setTaskId("hello").setAttempt(1)
        .setTaskDescription("Write hello.txt").addExpectedDeliverables("hello.txt").build();
    String prompt = "Task: hello\n\nCreate a file named hello.txt in the current directory containing exactly the"
        + " line: hello from baton\nThen answer with the single word DONE.\n";
    DroidTask task = new DroidTask(delegation, "smoke", definition, workspace, prompt);
    System.out.println("workspace: " + workspace);
    DroidOutcome outcome = runner.start(task, new ProgressListener() {
      @Override
      public void progress(double fraction, String message) {
        System.out.println("progress: " + message);
      }

      @Override
      public void event(DroidEvent event) {
        String text = event.toString().replace('\n', ' ');
        System.out.println("event: " + (text.length() > 200 ? text.substring(0, 200) + "..." : text));
      }
    }).outcome().get(5, TimeUnit.MINUTES);
    scheduler.shutdownNow();
    System.out.println("outcome: " + outcome.status() + ": " + outcome.message());
    System.out.println("usage: " + outcome.usage().toString().replace('\n', ' '));
    System.out.println("session: " + outcome.sessionId());
    boolean wrote = Files.isRegularFile(workspace.resolve("hello.txt"));
    System.out.println("hello.txt written: " + wrote);
    System.exit(outcome.status() == DelegationStatus.DELEGATION_STATUS_SUCCEEDED && wrote ? 0 : 1);
  }
}
