package dev.baton.master.journal;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standby's tail of the journal: every {@link JournalSettings#followPoll} it reads the records
 * after the newest one applied (one indexed query on the global position, whatever the number of
 * plans) and applies them to the store's memory, so reads work on a standby and a take-over starts
 * from an up-to-date view. Polling rather than PostgreSQL's LISTEN/NOTIFY keeps one code path for
 * both backends; at the default 150 ms a standby lags the leader by a fraction of a second.
 *
 * <p>Threads: its own single thread; {@link #catchUp} runs on the caller's once that thread stopped.
 */
final class JournalFollower {
  private static final Logger log = LoggerFactory.getLogger(JournalFollower.class);

  private final JournalPlanStore store;
  private final Journal journal;
  private final JournalSettings settings;
  private ScheduledExecutorService thread;

  JournalFollower(JournalPlanStore store, Journal journal, JournalSettings settings) {
    this.store = store;
    this.journal = journal;
    this.settings = settings;
  }

  void start() {
    thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "journal-follower");
      t.setDaemon(true);
      return t;
    });
    long every = settings.followPoll().toMillis();
    thread.scheduleWithFixedDelay(this::poll, 0, every, TimeUnit.MILLISECONDS);
  }

  private void poll() {
    try {
      catchUp();
    } catch (RuntimeException e) {
      // The database may be restarting: the next poll tries again from the same position.
      log.warn("journal {}: following failed, retrying in {} ms: {}", journal.describe(),
          settings.followPoll().toMillis(), e.getMessage());
    }
  }

  /** Applies every record after the store's position, page by page, until the end of the journal. */
  void catchUp() {
    while (true) {
      List<Journal.JournalRecord> page = journal.since(store.position(), settings.pageSize());
      for (Journal.JournalRecord r : page) {
        store.apply(r);
      }
      if (page.size() < settings.pageSize()) {
        return;
      }
    }
  }

  /** Stops the thread and waits for a poll in progress to end. */
  void stop() {
    if (thread == null) {
      return;
    }
    thread.shutdown(); // no interrupt: a poll in progress finishes its query and page
    try {
      if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("journal {}: the follower did not stop within 30 s", journal.describe());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
