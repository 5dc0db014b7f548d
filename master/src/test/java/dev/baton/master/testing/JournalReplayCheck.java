package dev.baton.master.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.master.MasterServer;
import dev.baton.master.events.InMemoryPlanStore;
import dev.baton.master.events.PlanStore;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import java.lang.reflect.Field;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After every test of the master module: each plan journaled by a master the test held (any
 * {@link MasterServer} or {@link PlanStore} field of the test instance) is replayed, event by
 * event, into a fresh store, and its status must equal the live one, field for field. The status
 * is then a function of the events alone: a journal (and a master taking over from it) sees
 * exactly what the master that wrote it saw. Registered for the whole module through
 * META-INF/services and junit-platform.properties.
 */
public final class JournalReplayCheck implements AfterEachCallback {

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (context.getExecutionException().isPresent()) {
      return; // the test failed already: its own failure is the one to read
    }
    Object test = context.getRequiredTestInstance();
    Map<PlanStore, Boolean> stores = new IdentityHashMap<>();
    for (Class<?> c = test.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (MasterServer.class.isAssignableFrom(f.getType()) || PlanStore.class.isAssignableFrom(f.getType())) {
          f.setAccessible(true);
          Object v = f.get(test);
          if (v instanceof MasterServer m) {
            stores.put(m.store(), true);
          } else if (v instanceof PlanStore s) {
            stores.put(s, true);
          }
        }
      }
    }
    for (PlanStore store : stores.keySet()) {
      check(store);
    }
  }

  /** Replays every plan of the store into a fresh one and compares the statuses. */
  public static void check(PlanStore store) {
    for (PlanStatus live : new ArrayList<>(store.list())) {
      List<PlanEvent> events = store.read(live.getPlanId(), 0);
      if (events.isEmpty() || events.size() != live.getLastSequence()) {
        continue; // still being appended to (a test that left a plan running): nothing stable to compare
      }
      PlanStore fresh = new InMemoryPlanStore(Clock.systemUTC());
      for (PlanEvent e : events) {
        fresh.append(e);
      }
      assertThat(fresh.status(live.getPlanId()).orElseThrow())
          .as("plan %s replayed from its %d events", live.getPlanId(), events.size())
          .isEqualTo(store.status(live.getPlanId()).orElseThrow());
    }
  }
}
