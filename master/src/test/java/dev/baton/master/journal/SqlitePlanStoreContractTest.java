package dev.baton.master.journal;

import dev.baton.master.events.PlanStore;
import dev.baton.master.events.PlanStoreContract;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The PlanStore contract on the embedded journal: a real SQLite file, fsynced. */
class SqlitePlanStoreContractTest extends PlanStoreContract {
  @TempDir
  Path dir;
  private JournalPlanStore store;

  @BeforeEach
  void open() {
    store = JournalPlanStore.open(dir.resolve("journal.db").toString(), Clock.systemUTC(), JournalSettings.defaults());
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
