package dev.baton.master.events;

import java.time.Clock;

class InMemoryPlanStoreTest extends PlanStoreContract {
  private final InMemoryPlanStore store = new InMemoryPlanStore(Clock.systemUTC());

  @Override
  protected PlanStore store() {
    return store;
  }
}
