package dev.baton.master.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded journal: one SQLite file in WAL mode with {@code synchronous=FULL}, so a commit is
 * on disk (the WAL fsynced) before {@code append} returns and survives a power cut.
 *
 * <p>Why SQLite: a single well-kept file format with atomic commits of its own (a torn WAL frame is
 * ignored by SQLite on recovery), durable commits by a documented setting, concurrent readers
 * beside the writer (the CLI inspects a running master's journal), and plain SQL shared with the
 * PostgreSQL backend. H2's MVStore, the alternative, defers its writes by default and its
 * documentation allows it to lose about the last second of commits; see docs/journal.md for the
 * appends per second measured for both.
 *
 * <p>One master only: the opener holds an exclusive OS lock on {@code PATH.lock} (released by the
 * OS when the process dies, so a crash never leaves a stale lock) and a second opener, in this
 * process or another, is refused with a message naming the holder. Read-only openers (the CLI's
 * {@code plans}, {@code events}, {@code verify}) take no lock.
 */
final class SqliteJournal extends JdbcJournal {
  private final Path path;
  private final HikariDataSource pool;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private SqliteJournal(Path path, HikariDataSource pool, FileChannel lockChannel, FileLock lock, Clock clock) {
    super(pool, clock);
    this.path = path;
    this.pool = pool;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  static SqliteJournal open(Path path, boolean readOnly, Clock clock) {
    if (readOnly && !Files.isRegularFile(path)) {
      throw new JournalException("journal " + path + " does not exist (expected: the file a master was started with"
          + " --journal " + path + ")");
    }
    FileChannel channel = null;
    FileLock lock = null;
    if (!readOnly) {
      Path lockPath = Path.of(path + ".lock");
      try {
        channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null; // held by this very process (another store on the same file)
        }
        if (lock == null) {
          String holder = Files.readString(lockPath, StandardCharsets.UTF_8).strip();
          channel.close();
          throw new JournalException("journal " + path + " is in use by another master ("
              + (holder.isEmpty() ? "holder unknown" : holder) + "); an embedded journal serves one master:"
              + " stop it, or use --journal postgres://... for standby masters");
        }
        channel.truncate(0);
        channel.write(StandardCharsets.UTF_8.encode("pid " + ProcessHandle.current().pid() + ", since " + clock.instant() + "\n"), 0);
        channel.force(true);
      } catch (IOException e) {
        closeQuietly(channel);
        throw new JournalException("journal " + path + ": cannot lock " + lockPath + ": " + e.getMessage()
            + " (check that the directory is writable)", e);
      }
    }
    HikariDataSource pool = null;
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      config.setBusyTimeout(10_000);
      // BEGIN IMMEDIATE: a transaction takes the write lock first, so it never fails on upgrading a read lock.
      config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      config.setReadOnly(readOnly);
      SQLiteDataSource sqlite = new SQLiteDataSource(config);
      sqlite.setUrl("jdbc:sqlite:" + path);
      HikariConfig hc = new HikariConfig();
      hc.setDataSource(sqlite);
      hc.setPoolName("journal-sqlite");
      hc.setMaximumPoolSize(4);
      hc.setMinimumIdle(1);
      hc.setReadOnly(readOnly);
      hc.setInitializationFailTimeout(-1);
      pool = new HikariDataSource(hc);
      if (!readOnly) {
        Schema.migrate(pool, "sqlite", "journal " + path);
      }
      SqliteJournal journal = new SqliteJournal(path, pool, channel, lock, clock);
      if (!readOnly) {
        journal.dropTornTails();
      }
      return journal;
    } catch (RuntimeException e) {
      if (pool != null) {
        pool.close();
      }
      releaseQuietly(lock);
      closeQuietly(channel);
      throw e;
    }
  }

  @Override
  protected String epochForAppendSql() {
    // BEGIN IMMEDIATE already holds the database's write lock: no claim can run beside the append.
    return "SELECT epoch, holder, address, claimed_at FROM baton_epoch WHERE id = 1";
  }

  @Override
  public String describe() {
    return "sqlite " + path;
  }

  @Override
  public void close() {
    pool.close();
    releaseQuietly(lock);
    closeQuietly(lockChannel);
  }

  private static void releaseQuietly(FileLock lock) {
    try {
      if (lock != null) {
        lock.release();
      }
    } catch (IOException e) {
      // closing the channel releases it too
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      // nothing left to do
    }
  }
}
