package dev.baton.master.journal;

import java.time.Clock;

/** Opens the journal a {@code --journal} spec names. */
public final class Journals {
  private Journals() {}

  /**
   * Opens (creating and migrating when writable) the journal of {@code spec}: a path for the
   * embedded SQLite journal, or a PostgreSQL URL. A writable opener drops torn last records.
   *
   * @param readOnly for inspection: no lock, no migration, no repair
   * @throws IllegalArgumentException for a malformed spec (the message names the fix)
   * @throws JournalException when it cannot be opened (in use, unreachable, not a journal)
   */
  /**
   * A small connection pool on the PostgreSQL database a {@code postgres://} spec names, with the
   * journal's schema migrated (its lease table included): for {@code PostgresLeadership}, which keeps
   * its own connections so that renewing never waits behind the journal's writer.
   *
   * @throws IllegalArgumentException when the spec is not a PostgreSQL one
   */
  public static com.zaxxer.hikari.HikariDataSource postgresPool(String spec, int size, java.time.Duration connectTimeout,
      String name) {
    if (!(JournalSpec.parse(spec) instanceof JournalSpec.Postgres pg)) {
      throw new IllegalArgumentException("--journal " + spec + ": leader election needs a PostgreSQL journal"
          + " (expected: postgres://user:password@host:5432/database)");
    }
    var pool = PostgresJournal.pool(pg, size, connectTimeout.toMillis(), name);
    try {
      Schema.migrate(pool, "postgresql", "journal " + pg.display());
      return pool;
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  public static Journal open(String spec, JournalSettings settings, Clock clock, boolean readOnly) {
    JournalSpec parsed = JournalSpec.parse(spec);
    if (parsed instanceof JournalSpec.Sqlite s) {
      return SqliteJournal.open(s.path(), readOnly, clock);
    }
    return PostgresJournal.open((JournalSpec.Postgres) parsed, settings, readOnly, clock);
  }
}
