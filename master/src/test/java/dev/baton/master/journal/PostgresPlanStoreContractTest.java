package dev.baton.master.journal;

import dev.baton.master.events.PlanStore;
import dev.baton.master.events.PlanStoreContract;
import dev.baton.runtime.postgres.PostgresServer;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PlanStore contract on the PostgreSQL journal: a real server, a database per test. */
class PostgresPlanStoreContractTest extends PlanStoreContract {
  @RegisterExtension
  static final PostgresServer postgres = new PostgresServer();
  private JournalPlanStore store;

  @BeforeEach
  void open() {
    store = JournalPlanStore.open(postgres.createDatabase("contract"), Clock.systemUTC(), JournalSettings.defaults());
    store.load();
    store.lead(store.claimEpoch("test", "127.0.0.1:1"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Override
  protected PlanStore store() {
    return store;
  }
}
