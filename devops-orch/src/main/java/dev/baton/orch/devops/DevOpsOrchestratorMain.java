package dev.baton.orch.devops;

import dev.baton.runtime.orchestrator.OrchestratorLauncher;

/** Starts one devops sub-orchestrator: {@code --master host:port [--port P] [--host H]}; blocks until stopped. */
public final class DevOpsOrchestratorMain {
  private DevOpsOrchestratorMain() {}

  public static void main(String[] args) throws InterruptedException {
    OrchestratorLauncher.main(DevOpsSpecialisation.DOMAIN, args);
  }
}
