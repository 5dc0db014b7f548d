package dev.baton.cli;

import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * One live bar per orchestrator and one for the whole plan, redrawn in place on a terminal.
 *
 * <p>The view owns its frame: every redraw moves the cursor back to the frame's first line,
 * clears to the end of the screen and writes every line again in one write, each line cut to the
 * terminal's width less one (see {@link BarLayout}), so nothing wraps and no line of an earlier
 * frame survives, whatever the terminal's size does meanwhile. Every orchestrator of the plan has
 * its bar from the first frame (0 % until its work starts), in name order, with the overall bar
 * last. A bar counts tasks: a running task's reported progress moves it between two whole tasks;
 * its message names the tasks running now.
 *
 * <p>Threads: events arrive on the watcher's thread; a single daemon thread redraws at most every
 * {@link #REDRAW_MILLIS} ms when something changed; {@link #close} draws the final frame on the
 * caller's thread. All state is guarded by this object's lock.
 */
final class ProgressBarsView implements WatchView {
  static final long REDRAW_MILLIS = 100;
  private static final String OVERALL = "overall";

  private final PrintStream out;
  private final IntSupplier columns;
  private final AutoCloseable terminal;
  private final boolean unicode;
  private final Map<String, String> orchestratorOf = new HashMap<>();
  private final Map<String, Double> progress = new HashMap<>();
  private final Map<String, Integer> tasksPer = new TreeMap<>();
  private final Map<String, Set<String>> running = new TreeMap<>();
  private final ScheduledExecutorService redraws;
  private String overallMessage = "";
  private int drawnLines;
  private boolean dirty = true;
  private boolean closed;

  /** On this process's terminal: its width from JLine, block characters when stdout can print them. */
  ProgressBarsView(PlanStatus initial) {
    this(initial, System.out, Terminals.open(), Charset.defaultCharset().newEncoder().canEncode('█'));
  }

  ProgressBarsView(PlanStatus initial, PrintStream out, Terminals.Size size, boolean unicode) {
    this.out = out;
    this.columns = size.columns();
    this.terminal = size.resource();
    this.unicode = unicode;
    for (TaskStatus task : initial.getTasksList()) {
      orchestratorOf.put(task.getId(), task.getOrchestrator());
      progress.put(task.getId(), 0.0);
      tasksPer.merge(task.getOrchestrator(), 1, Integer::sum);
      running.computeIfAbsent(task.getOrchestrator(), k -> new LinkedHashSet<>());
    }
    redraws = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "baton-progress");
      t.setDaemon(true);
      return t;
    });
    redraws.scheduleWithFixedDelay(this::redrawIfDirty, 0, REDRAW_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void onEvent(PlanEvent e) {
    switch (e.getKindCase()) {
      case TASK_ADDED -> {
        TaskStatus t = e.getTaskAdded().getTask();
        if (orchestratorOf.putIfAbsent(t.getId(), t.getOrchestrator()) == null) {
          progress.put(t.getId(), 0.0);
          tasksPer.merge(t.getOrchestrator(), 1, Integer::sum);
          running.computeIfAbsent(t.getOrchestrator(), k -> new LinkedHashSet<>());
        }
      }
      case TASK_STARTED -> {
        running(e.getTaskStarted().getTaskId()).add(e.getTaskStarted().getTaskId());
        progress.put(e.getTaskStarted().getTaskId(), 0.0);
      }
      case TASK_PROGRESS -> set(e.getTaskProgress().getTaskId(), e.getTaskProgress().getProgress());
      case TASK_SUCCEEDED -> finish(e.getTaskSucceeded().getTaskId(), 1.0);
      case TASK_FAILED -> finish(e.getTaskFailed().getTaskId(), e.getTaskFailed().getWillRetry() ? 0.0 : 1.0);
      case TASK_SKIPPED -> finish(e.getTaskSkipped().getTaskId(), 1.0);
      case TASK_CANCELLED -> finish(e.getTaskCancelled().getTaskId(),
          progress.getOrDefault(e.getTaskCancelled().getTaskId(), 0.0));
      case SYNC_POINT_REACHED -> overallMessage = "sync: " + e.getSyncPointReached().getName();
      case SYNC_POINT_RELEASED -> overallMessage = "released: " + e.getSyncPointReleased().getName();
      case PLAN_FINISHED -> overallMessage = EventFormat.state(e.getPlanFinished().getState());
      default -> {
        return;
      }
    }
    dirty = true;
  }

  private Set<String> running(String taskId) {
    return running.computeIfAbsent(orchestratorOf.getOrDefault(taskId, "?"), k -> new LinkedHashSet<>());
  }

  private void finish(String taskId, double value) {
    running(taskId).remove(taskId);
    set(taskId, value);
  }

  private void set(String taskId, double value) {
    progress.put(taskId, Math.max(0.0, Math.min(1.0, value)));
  }

  /** The lines of the current frame: one per orchestrator in name order, then the overall line. */
  synchronized List<String> frame() {
    List<String> labels = new ArrayList<>(tasksPer.keySet());
    labels.add(OVERALL);
    BarLayout layout = BarLayout.of(labels, orchestratorOf.size(), columns.getAsInt(), unicode);
    List<String> lines = new ArrayList<>(labels.size());
    tasksPer.forEach((orchestrator, count) -> lines.add(layout.line(orchestrator, sum(orchestrator), count,
        String.join(", ", running.getOrDefault(orchestrator, Set.of())))));
    lines.add(layout.line(OVERALL, sum(null), orchestratorOf.size(), overallMessage));
    return lines;
  }

  private double sum(String orchestrator) {
    double total = 0;
    for (Map.Entry<String, Double> p : progress.entrySet()) {
      if (orchestrator == null || orchestrator.equals(orchestratorOf.get(p.getKey()))) {
        total += p.getValue();
      }
    }
    return total;
  }

  private synchronized void redrawIfDirty() {
    if (dirty && !closed) {
      draw();
    }
  }

  /** Back to the frame's first line, clear to the end of the screen, every line again: one write. */
  private void draw() {
    List<String> lines = frame();
    StringBuilder s = new StringBuilder(4096);
    if (drawnLines > 0) {
      s.append("\r\033[").append(drawnLines).append('F');
    }
    s.append("\033[J");
    for (String line : lines) {
      s.append(line).append('\n');
    }
    out.print(s);
    out.flush();
    drawnLines = lines.size();
    dirty = false;
  }

  @Override
  public void close() {
    redraws.shutdownNow();
    try {
      redraws.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (!closed) {
        draw(); // the final frame stays on screen, above what the caller prints next
        closed = true;
      }
    }
    try {
      terminal.close();
    } catch (Exception e) {
      // The terminal handle only answered the width: nothing to recover.
    }
  }

  /** Where the terminal's width comes from. */
  static final class Terminals {
    private Terminals() {}

    /** The width source and what to close with the view. */
    record Size(IntSupplier columns, AutoCloseable resource) {
      static Size fixed(int columns) {
        return new Size(() -> columns, () -> { });
      }
    }

    /**
     * This process's terminal through JLine (80 columns when it cannot tell). The width is read
     * once and again on each SIGWINCH: asking the terminal may run {@code stty} (JLine's exec
     * provider on Java 17), too dear for every frame.
     */
    static Size open() {
      try {
        Terminal t = TerminalBuilder.builder().system(true).dumb(true).build();
        AtomicInteger width = new AtomicInteger(widthOf(t));
        t.handle(Terminal.Signal.WINCH, signal -> width.set(widthOf(t)));
        return new Size(width::get, t);
      } catch (IOException | RuntimeException e) {
        return Size.fixed(80);
      }
    }

    private static int widthOf(Terminal t) {
      int w = t.getWidth();
      return w > 0 ? w : 80;
    }
  }
}
