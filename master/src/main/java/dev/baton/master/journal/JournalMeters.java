package dev.baton.master.journal;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The journal writer's series on the process's global registry: {@code
 * baton_journal_append_seconds{backend}} (one group commit: the append and its fsync) and {@code
 * baton_journal_batch_events{backend}} (events per commit: how well group commit batches). Backend
 * {@code sqlite} or {@code postgresql}. Recorded on the writer's thread.
 */
final class JournalMeters {
  private final Timer append;
  private final DistributionSummary batch;

  private JournalMeters(String backend) {
    this.append = Timer.builder("baton.journal.append").description("One group commit of the journal: its append and fsync")
        .tag("backend", backend).serviceLevelObjectives(dev.baton.master.metrics.Buckets.JOURNAL)
        .register(Metrics.globalRegistry);
    this.batch = DistributionSummary.builder("baton.journal.batch").baseUnit("events")
        .description("Events per group commit of the journal").tag("backend", backend)
        .serviceLevelObjectives(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
        .register(Metrics.globalRegistry);
  }

  static JournalMeters of(Journal journal) {
    return new JournalMeters(backend(journal));
  }

  static String backend(Journal journal) {
    if (journal instanceof SqliteJournal) {
      return "sqlite";
    }
    if (journal instanceof PostgresJournal) {
      return "postgresql";
    }
    return "other";
  }

  void committed(long nanos, int events) {
    append.record(nanos, TimeUnit.NANOSECONDS);
    batch.record(events);
  }
}
