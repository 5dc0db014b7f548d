package dev.baton.bench;

import dev.baton.master.journal.Journal;
import dev.baton.master.journal.JournalPlanStore;
import dev.baton.master.journal.JournalSettings;
import dev.baton.master.journal.Journals;
import dev.baton.v1.PlanAccepted;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.TaskProgress;
import dev.baton.v1.TaskStarted;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.TaskSucceeded;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * The journal's figures (issue 10): appends per second with fsync on the embedded journal (SQLite,
 * beside H2's MVStore for the choice of engine) and PostgreSQL, one appender with group commit and
 * batches of one for comparison; and recovery time ({@code load()}) against journal length, with
 * and without snapshots.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.baton.bench.JournalBench [--quick] [--postgres URL] [--lengths 10000,1000000]
 * </pre>
 *
 * Journals are written in the temp directory (its disk is what is measured) and deleted after.
 * Every figure counts what it asked for: a run whose journal does not hold every event fails.
 */
public final class JournalBench {
  private JournalBench() {}

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    String postgres = null;
    List<Integer> lengths = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--postgres" -> postgres = args[++i];
        case "--lengths" -> lengths = java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
        default -> throw new IllegalArgumentException("unknown option '" + args[i]
            + "' (expected: --quick, --postgres postgres://..., --lengths N,...)");
      }
    }
    run(quick, postgres, lengths != null ? lengths : quick ? List.of(2_000) : List.of(10_000, 1_000_000), System.out);
    System.exit(0);
  }

  /** Runs every figure and prints it as markdown. */
  public static void run(boolean quick, String postgres, List<Integer> lengths, PrintStream out) throws Exception {
    Path dir = Files.createTempDirectory("baton-journal-bench");
    try {
      int groupEvents = quick ? 2_000 : 100_000;
      int singles = quick ? 50 : 1_000;
      out.println("## Journal appends per second (fsync on every commit)");
      out.println();
      out.println("| backend | mode | events | seconds | events/s | commits | events/commit |");
      out.println("|---|---|---|---|---|---|---|");
      List<String> specs = new ArrayList<>();
      specs.add(dir.resolve("appends.db").toString());
      if (postgres != null) {
        specs.add(postgres);
      }
      for (String spec : specs) {
        String name = spec.startsWith("postgres") ? "PostgreSQL" : "SQLite (embedded)";
        groupCommit(name, fresh(spec, dir), groupEvents, out);
        oneByOne(name, fresh(spec, dir), singles, out);
      }
      h2(dir.resolve("h2"), singles, out);
      out.println();
      out.println("## Recovery: load() against journal length");
      out.println();
      out.println("| backend | events (7 plans) | snapshots | load() seconds | events read after the snapshots |");
      out.println("|---|---|---|---|---|");
      for (String spec : specs) {
        String name = spec.startsWith("postgres") ? "PostgreSQL" : "SQLite (embedded)";
        for (int length : lengths) {
          for (boolean snapshots : new boolean[] {true, false}) {
            recovery(name, fresh(spec.startsWith("postgres") ? spec : dir.resolve("recovery.db").toString(), dir),
                length, snapshots, out);
          }
        }
      }
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** An empty journal: a new file, or a PostgreSQL database emptied of the journal's tables. */
  private static String fresh(String spec, Path dir) throws Exception {
    if (spec.startsWith("postgres")) {
      try (Journal j = Journals.open(spec, JournalSettings.defaults(), Clock.systemUTC(), false)) {
        // the schema exists now
      }
      var pool = Journals.postgresPool(spec, 2, java.time.Duration.ofSeconds(10), "bench");
      try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
        st.execute("TRUNCATE baton_events, baton_snapshots, baton_plans, baton_epochs");
        st.execute("UPDATE baton_epoch SET epoch = 0");
      } finally {
        pool.close();
      }
      return spec;
    }
    for (String suffix : new String[] {"", "-wal", "-shm", ".lock"}) {
      Files.deleteIfExists(Path.of(spec + suffix));
    }
    return spec;
  }

  private static JournalPlanStore leading(String spec, JournalSettings settings) {
    JournalPlanStore s = JournalPlanStore.open(spec, Clock.systemUTC(), settings);
    s.load();
    s.lead(s.claimEpoch("bench", ""));
    return s;
  }

  private static void flush(JournalPlanStore s) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    s.afterDurable(done::countDown);
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException("the writer did not flush within 10 minutes");
    }
  }

  /** One appender as fast as it can: the writer commits whatever queued during the previous fsync. */
  private static void groupCommit(String backend, String spec, int events, PrintStream out) throws Exception {
    try (JournalPlanStore s = leading(spec, JournalSettings.defaults())) {
      s.append(accepted("p", 20));
      flush(s);
      long t0 = System.nanoTime();
      for (int i = 0; i < events; i++) {
        s.append(event("p", i, 20));
      }
      flush(s);
      double secs = (System.nanoTime() - t0) / 1e9;
      var stats = s.stats();
      check(s.journal(), "p", events + 1);
      long commits = stats.commits() - 1;
      out.printf(Locale.ROOT, "| %s | group commit, 1 appender | %,d | %.2f | %,.0f | %,d | %.0f |%n", backend, events, secs,
          events / secs, commits, (double) events / commits);
    }
  }

  /** Each append waits for its own commit: one fsync per event. */
  private static void oneByOne(String backend, String spec, int events, PrintStream out) throws Exception {
    try (JournalPlanStore s = leading(spec, JournalSettings.defaults())) {
      s.append(accepted("p", 20));
      flush(s);
      long t0 = System.nanoTime();
      for (int i = 0; i < events; i++) {
        s.append(event("p", i, 20));
        flush(s);
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      check(s.journal(), "p", events + 1);
      out.printf(Locale.ROOT, "| %s | batches of 1 (wait for each commit) | %,d | %.2f | %,.0f | %,d | 1 |%n", backend, events,
          secs, events / secs, s.stats().commits() - 1);
    }
  }

  /**
   * The same record (plan, sequence, checksum, bytes) inserted and committed one at a time into H2
   * 2.x (MVStore) through JDBC, as the embedded journal would with it: by default (commits written
   * within WRITE_DELAY, 500 ms) and with WRITE_DELAY 0.
   */
  private static void h2(Path dir, int events, PrintStream out) throws Exception {
    for (String mode : new String[] {"", ";WRITE_DELAY=0"}) {
      Path db = dir.resolve("h2" + mode.length());
      try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + db + mode)) {
        try (Statement st = c.createStatement()) {
          st.execute("CREATE TABLE e (position BIGINT AUTO_INCREMENT PRIMARY KEY, plan_id VARCHAR, sequence BIGINT,"
              + " crc BIGINT, data VARBINARY, UNIQUE (plan_id, sequence))");
        }
        c.setAutoCommit(false);
        long t0 = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO e (plan_id, sequence, crc, data) VALUES (?, ?, ?, ?)")) {
          for (int i = 0; i < events; i++) {
            byte[] data = event("p", i, 20).toBuilder().setSequence(i + 1).build().toByteArray();
            CRC32C crc = new CRC32C();
            crc.update(data);
            ps.setString(1, "p");
            ps.setLong(2, i + 1);
            ps.setLong(3, crc.getValue());
            ps.setBytes(4, data);
            ps.executeUpdate();
            c.commit();
          }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "| H2 2.x MVStore%s | batches of 1 (commit each) | %,d | %.2f | %,.0f | %,d | 1 |%n",
            mode.isEmpty() ? " (default WRITE_DELAY 500 ms)" : " (WRITE_DELAY=0)", events, secs, events / secs, events);
      }
    }
  }

  /** Writes {@code length} events over 10 plans, closes, and times load() in a fresh store. */
  private static void recovery(String backend, String spec, int length, boolean snapshots, PrintStream out) throws Exception {
    JournalSettings write = JournalSettings.builder().snapshotEvery(snapshots ? 1_000 : 0).build();
    int plans = 7; // not a divisor of the lengths: each plan has a tail after its last snapshot
    try (JournalPlanStore s = leading(spec, write)) {
      for (int p = 0; p < plans; p++) {
        s.append(accepted("plan-" + p, 50));
      }
      for (int i = plans; i < length; i++) {
        s.append(event("plan-" + (i % plans), i / plans, 50));
      }
      flush(s);
    }
    long t0 = System.nanoTime();
    List<String> unfinished;
    long read;
    try (JournalPlanStore s = JournalPlanStore.open(spec, Clock.systemUTC(), JournalSettings.defaults())) {
      unfinished = s.load();
      double secs = (System.nanoTime() - t0) / 1e9;
      if (unfinished.size() != plans) {
        throw new IllegalStateException("recovered " + unfinished.size() + " plans (expected: " + plans + ")");
      }
      read = 0;
      for (String id : unfinished) {
        read += s.status(id).orElseThrow().getLastSequence() - firstHeld(s, id);
      }
      long total = unfinished.stream().mapToLong(id -> s.status(id).orElseThrow().getLastSequence()).sum();
      if (total != length) {
        throw new IllegalStateException("recovered " + total + " events (expected: " + length + ")");
      }
      out.printf(Locale.ROOT, "| %s | %,d | %s | %.3f | %,d |%n", backend, length, snapshots ? "every 1,000 events" : "none",
          secs, read);
    }
  }

  /** The sequence memory starts after (its snapshot's), found without reading the journal. */
  private static long firstHeld(JournalPlanStore s, String id) {
    return s.journal().latestSnapshot(id, Long.MAX_VALUE).map(st -> st.getLastSequence()).orElse(0L);
  }

  private static void check(Journal j, String plan, long expected) {
    long last = j.plan(plan).orElseThrow().lastSequence();
    if (last != expected) {
      throw new IllegalStateException("the journal holds " + last + " events of " + plan + " (expected: " + expected + ")");
    }
  }

  static PlanEvent accepted(String planId, int tasks) {
    PlanAccepted.Builder a = PlanAccepted.newBuilder().setName(planId).setStrategy("parallel");
    for (int i = 0; i < tasks; i++) {
      a.addTasks(TaskStatus.newBuilder().setId("t" + i).setOrchestrator("backend").setDescription("task " + i));
    }
    return PlanEvent.newBuilder().setPlanId(planId).setPlanAccepted(a).build();
  }

  /** A plan's i-th event after acceptance: tasks start, report progress and succeed in turn. */
  static PlanEvent event(String planId, int i, int tasks) {
    String task = "t" + (i % tasks);
    PlanEvent.Builder b = PlanEvent.newBuilder().setPlanId(planId);
    return switch (i % 3) {
      case 0 -> b.setTaskStarted(TaskStarted.newBuilder().setTaskId(task).setAttempt(1).setInstanceId("backend-1")
          .setDroid("backend-architect")).build();
      case 1 -> b.setTaskProgress(TaskProgress.newBuilder().setTaskId(task).setProgress((i % 100) / 100.0)).build();
      default -> b.setTaskSucceeded(TaskSucceeded.newBuilder().setTaskId(task).setAttempt(1)).build();
    };
  }
}
