package dev.baton.cli;

import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanStatus;
import java.io.PrintStream;

/** What a watcher shows while a plan runs: progress bars on a terminal, event lines elsewhere. */
interface WatchView extends AutoCloseable {
  void onEvent(PlanEvent event);

  @Override
  void close();

  /** Bars when {@code terminal}, else one line per event on {@code out}. */
  static WatchView forOutput(PlanStatus initial, PrintStream out, boolean terminal) {
    return terminal ? new ProgressBarsView(initial) : lines(out);
  }

  static WatchView lines(PrintStream out) {
    return new WatchView() {
      @Override
      public void onEvent(PlanEvent event) {
        String line = EventFormat.line(event);
        if (line != null) {
          out.println(line);
          out.flush();
        }
      }

      @Override
      public void close() {}
    };
  }

  static WatchView quiet() {
    return new WatchView() {
      @Override
      public void onEvent(PlanEvent event) {}

      @Override
      public void close() {}
    };
  }

  /** True when stdout is an interactive terminal. */
  static boolean stdoutIsTerminal() {
    return System.console() != null && System.getenv("BATON_NO_BARS") == null;
  }
}
