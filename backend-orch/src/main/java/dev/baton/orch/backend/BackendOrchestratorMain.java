package dev.baton.orch.backend;

import dev.baton.runtime.orchestrator.OrchestratorLauncher;

/** Starts one backend sub-orchestrator: {@code --master host:port [--port P] [--host H]}; blocks until stopped. */
public final class BackendOrchestratorMain {
  private BackendOrchestratorMain() {}

  public static void main(String[] args) throws InterruptedException {
    OrchestratorLauncher.main(BackendSpecialisation.DOMAIN, args);
  }
}
