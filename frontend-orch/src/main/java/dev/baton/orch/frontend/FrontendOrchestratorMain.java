package dev.baton.orch.frontend;

import dev.baton.runtime.orchestrator.OrchestratorLauncher;

/** Starts one frontend sub-orchestrator: {@code --master host:port [--port P] [--host H]}; blocks until stopped. */
public final class FrontendOrchestratorMain {
  private FrontendOrchestratorMain() {}

  public static void main(String[] args) throws InterruptedException {
    OrchestratorLauncher.main(FrontendSpecialisation.DOMAIN, args);
  }
}
