package dev.baton.master.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.time.Clock;

/**
 * The journal in PostgreSQL, for several masters on one database: one leads and appends, the
 * others follow ({@link JournalPlanStore#follow}).
 *
 * <p>Fencing: an append reads the epoch row {@code FOR SHARE} inside its transaction, and a claim
 * updates that row. The update waits for an append in flight to commit, and an append that starts
 * after the claim reads the new epoch and is refused. So an old leader's last commit always
 * precedes the new leader's claim, and the new leader, which reads the journal after its claim,
 * sees it; and global positions stay in commit order across a take-over.
 *
 * <p>Connections come from a small HikariCP pool ({@link JournalSettings#poolSize}): the writer,
 * the follower, gRPC readers of old events and compaction each borrow one; Hikari checks and
 * replaces connections a restarted server broke, which two hand-kept connections would not.
 */
final class PostgresJournal extends JdbcJournal {
  /**
   * How long the database lets a journal connection sit idle inside a transaction before it ends
   * the session. A leader paused mid-commit (SIGSTOP, a GC pause, a frozen VM) would otherwise hold
   * the epoch row's share lock until it resumes, and the next leader's claim would wait for it:
   * the take-over would depend on the old leader. A journal transaction never idles by design
   * (its statements follow one another), so only a stalled client meets this bound, and its
   * commit then fails: it is fenced, as its successor's claim would have made it.
   */
  static final java.time.Duration STALLED_TRANSACTION_TIMEOUT = java.time.Duration.ofSeconds(5);

  private final JournalSpec.Postgres spec;
  private final HikariDataSource pool;

  private PostgresJournal(JournalSpec.Postgres spec, HikariDataSource pool, Clock clock) {
    super(pool, clock);
    this.spec = spec;
    this.pool = pool;
  }

  static PostgresJournal open(JournalSpec.Postgres spec, JournalSettings settings, boolean readOnly, Clock clock) {
    HikariDataSource pool = pool(spec, settings.poolSize(), settings.connectTimeout().toMillis(), "journal-postgres");
    try {
      if (!readOnly) {
        Schema.migrate(pool, "postgresql", "journal " + spec.display());
      }
      PostgresJournal journal = new PostgresJournal(spec, pool, clock);
      if (!readOnly) {
        journal.dropTornTails();
      }
      return journal;
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** A pool on the spec's database; fails at once, with the cause, when the server cannot be reached. */
  static HikariDataSource pool(JournalSpec.Postgres spec, int size, long connectTimeoutMillis, String name) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(spec.jdbcUrl());
    if (!spec.user().isEmpty()) {
      hc.setUsername(spec.user());
    }
    if (!spec.password().isEmpty()) {
      hc.setPassword(spec.password());
    }
    hc.setPoolName(name);
    hc.setMaximumPoolSize(size);
    hc.setMinimumIdle(1);
    hc.setConnectionTimeout(connectTimeoutMillis);
    hc.setInitializationFailTimeout(connectTimeoutMillis);
    hc.setConnectionInitSql("SET idle_in_transaction_session_timeout = " + STALLED_TRANSACTION_TIMEOUT.toMillis());
    // One INSERT of many rows per batch instead of one statement per row.
    hc.addDataSourceProperty("reWriteBatchedInserts", "true");
    hc.addDataSourceProperty("ApplicationName", "baton-" + name);
    try {
      return new HikariDataSource(hc);
    } catch (HikariPool.PoolInitializationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new JournalException("cannot connect to journal " + spec.display() + ": " + cause.getMessage()
          + " (check the URL, that the server runs and accepts this user and password)", e);
    }
  }

  @Override
  protected String epochForAppendSql() {
    return "SELECT epoch, holder, address, claimed_at FROM baton_epoch WHERE id = 1 FOR SHARE";
  }

  @Override
  public String describe() {
    return "postgres " + spec.display();
  }

  @Override
  public void close() {
    pool.close();
  }
}
