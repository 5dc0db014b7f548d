package dev.baton.master.journal;

import dev.baton.master.events.InMemoryPlanStore;
import dev.baton.master.events.PlanReducer;
import dev.baton.master.events.PlanStore;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.Usage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable {@link PlanStore}: a live view in memory ({@link InMemoryPlanStore}) in front of a
 * {@link Journal}.
 *
 * <p>Leading, {@link #append} folds the event into memory at once (the scheduler reads its own
 * writes at memory speed) and queues it for the {@link JournalWriter}, whose group commits make it
 * durable. Subscribers (WatchPlan) see an event only after its commit: a watcher never sees an
 * event the next leader will not have. {@link #afterDurable} actions run on the writer's thread
 * after the commit that covers every event appended before them; never when it failed. A fenced
 * or failed commit fences the store: {@link #onFenced} listeners hear it once and every later
 * append throws {@code IllegalStateException("fenced: ...")}. A fenced store is done; the master
 * opens a new one to follow again.
 *
 * <p>Standing by, {@link #follow} tails the journal and applies every plan's new events, so reads
 * (GetPlan, ListPlans, WatchPlan) work on a standby; {@link #lead} catches up and starts writing.
 *
 * <p>Lifecycle: OPEN -> (load) -> FOLLOWING -> LEADING -> FENCED, and CLOSED from any; guarded
 * transitions name the legal states when refused.
 *
 * <p>Threads: appends from any thread (the engine's); the writer thread commits, wakes subscribers
 * and runs outbox actions; the follower thread applies records while following; lifecycle calls
 * are serialised by this store's lock.
 */
public final class JournalPlanStore implements PlanStore, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JournalPlanStore.class);

  /** The store's lifecycle. */
  public enum Mode { OPEN, FOLLOWING, LEADING, FENCED, CLOSED }

  /** What the writer did so far: commits (fsyncs) against events shows group commit at work. */
  public record Stats(long commits, long events, long snapshots, long actions, long largestBatch) {}

  private final Journal journal;
  private final JournalSettings settings;
  private final InMemoryPlanStore memory;
  private final Object lifecycle = new Object();
  private final List<Consumer<String>> fenceListeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean fenceHeard = new AtomicBoolean();
  private final Map<String, String> unloadable = new ConcurrentHashMap<>();
  private volatile Mode mode = Mode.OPEN;
  private volatile String fenceReason = "";
  private volatile JournalWriter writer;
  private JournalFollower follower;
  private boolean loaded;
  /** Global position of the newest record applied by load or the follower; only one of them runs at a time. */
  private volatile long position;

  public JournalPlanStore(Journal journal, Clock clock, JournalSettings settings) {
    this.journal = journal;
    this.settings = settings;
    this.memory = InMemoryPlanStore.journaled(clock, this::queue,
        (planId, after, upTo) -> journal.events(planId, after, upTo, settings.pageSize()));
  }

  /**
   * Opens the journal {@code spec} names (a path: the embedded SQLite journal; {@code postgres://...}:
   * PostgreSQL) and a store on it, in mode OPEN: call {@link #load}, then {@link #follow} or
   * {@link #lead}.
   *
   * @throws IllegalArgumentException for a malformed spec
   * @throws JournalException when the journal cannot be opened
   */
  public static JournalPlanStore open(String spec, Clock clock, JournalSettings settings) {
    return new JournalPlanStore(Journals.open(spec, settings, clock, false), clock, settings);
  }

  /** The journal under this store. */
  public Journal journal() {
    return journal;
  }

  public Mode mode() {
    return mode;
  }

  /** Plans that could not be loaded (a corrupt record in their history), with why. */
  public Map<String, String> unloadable() {
    return Map.copyOf(unloadable);
  }

  /** Claims a new epoch in the journal ({@link Journal#claimEpoch}); pass it to {@link #lead}. */
  public long claimEpoch(String holder, String address) {
    return journal.claimEpoch(holder, address);
  }

  /** Called once, on the writer's thread, when a commit was fenced or failed. */
  public void onFenced(Consumer<String> listener) {
    fenceListeners.add(listener);
    if (fenceHeard.get()) {
      listener.accept(fenceReason);
    }
  }

  /**
   * Recovery: rebuilds every plan's status from its newest snapshot plus the events after it. A
   * plan whose history holds a corrupt record is left out, logged, and listed in {@link #unloadable}.
   *
   * @return the ids of the plans not finished, oldest first: the ones to resume
   */
  public List<String> load() {
    synchronized (lifecycle) {
      require("load", Mode.OPEN);
      if (loaded) {
        throw new IllegalStateException("journal store already loaded: follow() or lead(epoch) next");
      }
      List<String> unfinished = loadAll();
      loaded = true;
      return unfinished;
    }
  }

  private List<String> loadAll() {
    long start = journal.lastPosition();
    List<String> unfinished = new ArrayList<>();
    for (JournaledPlan p : journal.plans()) {
      if (restore(p.planId()) && memory.status(p.planId()).map(s -> !PlanReducer.isFinished(s.getState())).orElse(false)) {
        unfinished.add(p.planId());
      }
    }
    // Records committed while loading are applied again by the follower or the catch-up: duplicates are skipped by sequence.
    position = start;
    return unfinished;
  }

  /** Reads one plan from the journal into memory; false (logged, listed) when it cannot be. */
  boolean restore(String planId) {
    try {
      Optional<PlanStatus> snapshot = journal.latestSnapshot(planId, Long.MAX_VALUE);
      long after = snapshot.map(PlanStatus::getLastSequence).orElse(0L);
      List<PlanEvent> tail = new ArrayList<>();
      while (true) {
        List<PlanEvent> page = journal.events(planId, after, Long.MAX_VALUE, settings.pageSize());
        tail.addAll(page);
        if (page.size() < settings.pageSize()) {
          break;
        }
        after = page.get(page.size() - 1).getSequence();
      }
      if (snapshot.isEmpty() && tail.isEmpty()) {
        return false;
      }
      memory.restore(snapshot.orElse(null), tail);
      unloadable.remove(planId);
      return true;
    } catch (JournalException | IllegalStateException e) {
      unloadable.put(planId, e.getMessage());
      memory.forget(planId);
      log.error("journal {}: plan {} not loaded: {}", journal.describe(), planId, e.getMessage());
      return false;
    }
  }

  long position() {
    return position;
  }

  /** Applies a record read from the journal (a standby's, or the catch-up before leading). */
  void apply(Journal.JournalRecord r) {
    if (unloadable.containsKey(r.planId())) {
      return;
    }
    if (r.event() == null) {
      String why = new CorruptRecordException(r.planId(), r.sequence(), r.problem()).getMessage();
      unloadable.put(r.planId(), why);
      memory.forget(r.planId());
      log.error("journal {}: {}", journal.describe(), why);
      return;
    }
    if (!memory.applyDurable(r.event())) {
      restore(r.planId()); // a gap (compacted, or followed from the middle): read the plan anew
    }
    position = r.position();
  }

  /**
   * Stands by: loads (when not done yet) and tails the journal every {@link JournalSettings#followPoll},
   * applying every plan's new events to memory.
   */
  public void follow() {
    synchronized (lifecycle) {
      require("follow", Mode.OPEN);
      if (!loaded) {
        loadAll();
        loaded = true;
      }
      follower = new JournalFollower(this, journal, settings);
      follower.start();
      mode = Mode.FOLLOWING;
    }
  }

  /**
   * Leads under {@code epoch} (from {@link #claimEpoch}, claimed before this call): stops
   * following, reads the journal to its end, and from then on commits appends under that epoch.
   */
  public void lead(long epoch) {
    synchronized (lifecycle) {
      require("lead", Mode.OPEN, Mode.FOLLOWING);
      if (!loaded) {
        loadAll();
        loaded = true;
      }
      if (follower != null) {
        follower.stop();
      }
      JournalFollower catchUp = follower != null ? follower : new JournalFollower(this, journal, settings);
      catchUp.catchUp();
      follower = null;
      JournalWriter w = new JournalWriter(journal, epoch, memory, settings, this::fence);
      w.start();
      writer = w;
      mode = Mode.LEADING;
      log.info("journal {}: leading under epoch {}", journal.describe(), epoch);
    }
  }

  private void fence(String reason) {
    fenceReason = reason.startsWith("fenced:") ? reason : "fenced: " + reason;
    if (mode == Mode.LEADING) {
      mode = Mode.FENCED;
    }
    if (fenceHeard.compareAndSet(false, true)) {
      log.warn("journal {}: {}", journal.describe(), fenceReason);
      for (Consumer<String> l : fenceListeners) {
        try {
          l.accept(fenceReason);
        } catch (RuntimeException e) {
          log.warn("a fence listener failed", e);
        }
      }
    }
  }

  private void require(String what, Mode... legal) {
    Mode m = mode;
    for (Mode l : legal) {
      if (m == l) {
        return;
      }
    }
    throw new IllegalStateException("journal store is " + m + ": cannot " + what + " (legal in: "
        + java.util.Arrays.toString(legal) + ")" + (m == Mode.FENCED ? "; " + fenceReason : ""));
  }

  /** The live view's hook: runs under the plan's lock, so each plan's events queue in sequence order. */
  private void queue(PlanEvent stored, PlanReducer.Mutable status) {
    JournalWriter w = writer;
    if (w == null || mode != Mode.LEADING) {
      throw new IllegalStateException(mode == Mode.FENCED ? fenceReason : "journal store is " + mode + ": not leading");
    }
    boolean due = settings.snapshotEvery() > 0
        && (stored.getSequence() % settings.snapshotEvery() == 0 || stored.hasPlanFinished());
    w.enqueue(stored, due ? status.snapshot() : null);
  }

  @Override
  public PlanEvent append(PlanEvent event) {
    Mode m = mode;
    if (m != Mode.LEADING) {
      throw new IllegalStateException(m == Mode.FENCED ? fenceReason
          : "journal store is " + m + ": appends need lead(epoch) first (legal in: LEADING)");
    }
    return memory.append(event);
  }

  /**
   * Runs {@code action} on the writer's thread after the commit that covers every event appended
   * before this call; never if that commit fails. Not leading yet (nothing appended): at once.
   * Fenced or closed: never. Actions must be quick and must not append (post to an executor).
   */
  @Override
  public void afterDurable(Runnable action) {
    JournalWriter w = writer;
    Mode m = mode;
    if (m == Mode.LEADING && w != null) {
      w.afterDurable(action);
    } else if (m == Mode.OPEN || m == Mode.FOLLOWING) {
      action.run();
    } else {
      log.debug("journal store is {}: an afterDurable action is dropped", m);
    }
  }

  @Override
  public boolean durable() {
    return true;
  }

  /** Every event of the plan after {@code afterSequence}, committed or not (old ones read from the journal). */
  @Override
  public List<PlanEvent> read(String planId, long afterSequence) {
    return memory.read(planId, afterSequence);
  }

  @Override
  public List<PlanEvent> read(String planId, long afterSequence, int limit) {
    return memory.read(planId, afterSequence, limit);
  }

  /** Delivers only committed events: the writer's (or the follower's) thread delivers new ones. */
  @Override
  public Subscription subscribe(String planId, long afterSequence, Listener listener) {
    return memory.subscribe(planId, afterSequence, listener);
  }

  @Override
  public Optional<PlanStatus> status(String planId) {
    return memory.status(planId);
  }

  @Override
  public Optional<TaskStatus> task(String planId, String taskId) {
    return memory.task(planId, taskId);
  }

  @Override
  public Optional<Usage> usage(String planId) {
    return memory.usage(planId);
  }

  @Override
  public List<PlanStatus> list() {
    return memory.list();
  }

  /** Deletes finished plans the policy no longer keeps, from the journal and from memory. */
  public List<JournaledPlan> compact(RetentionPolicy policy, java.time.Instant now, boolean dryRun) {
    List<JournaledPlan> deleted = journal.compact(policy, now, dryRun);
    if (!dryRun) {
      deleted.forEach(p -> memory.forget(p.planId()));
    }
    return deleted;
  }

  /** What the writer did under the current leadership (zeros before {@link #lead}). */
  public Stats stats() {
    JournalWriter w = writer;
    if (w == null) {
      return new Stats(0, 0, 0, 0, 0);
    }
    return new Stats(w.commits.get(), w.events.get(), w.snapshots.get(), w.actions.get(), w.largestBatch.get());
  }

  /** Commits what is queued (unless fenced), stops the threads and closes the journal (releasing its lock). */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (mode == Mode.CLOSED) {
        return;
      }
      Mode before = mode;
      mode = Mode.CLOSED; // appends are refused from now; the writer still commits what was queued
      if (follower != null) {
        follower.stop();
        follower = null;
      }
      JournalWriter w = writer;
      if (w != null) {
        w.stop(JournalWriter.STOP_TIMEOUT_MILLIS);
      }
      journal.close();
      log.info("journal {}: closed (was {})", journal.describe(), before);
    }
  }
}
