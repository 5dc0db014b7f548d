package dev.baton.master.journal;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The journal's schema, migrated by Flyway from {@code db/journal/<dialect>/V*.sql}: every master
 * (and the CLI's compaction) brings the database to the version it was built with. Flyway's own
 * lock serialises masters that start together on one PostgreSQL database.
 */
final class Schema {
  private Schema() {}

  static void migrate(DataSource dataSource, String dialect, String what) {
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/journal/" + dialect)
          .table("baton_schema_history")
          .baselineOnMigrate(false)
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new JournalException(what + ": migrating the schema failed: " + e.getMessage()
          + " (is this a Baton journal of a newer version, or a database used by something else?)", e);
    }
  }
}
