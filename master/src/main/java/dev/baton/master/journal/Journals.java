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
  public static Journal open(String spec, JournalSettings settings, Clock clock, boolean readOnly) {
    JournalSpec parsed = JournalSpec.parse(spec);
    if (parsed instanceof JournalSpec.Sqlite s) {
      return SqliteJournal.open(s.path(), readOnly, clock);
    }
    return PostgresJournal.open((JournalSpec.Postgres) parsed, settings, readOnly, clock);
  }
}
