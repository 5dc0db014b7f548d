package dev.baton.orch.testing;

import dev.baton.runtime.orchestrator.OrchestratorLauncher;

/** Starts one testing sub-orchestrator: {@code --master host:port [--port P] [--host H]}; blocks until stopped. */
public final class TestingOrchestratorMain {
  private TestingOrchestratorMain() {}

  public static void main(String[] args) throws InterruptedException {
    OrchestratorLauncher.main(TestingSpecialisation.DOMAIN, args);
  }
}
