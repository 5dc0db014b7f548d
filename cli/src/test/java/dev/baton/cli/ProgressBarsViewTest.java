package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanFinished;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.TaskProgress;
import dev.baton.v1.TaskStarted;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.TaskSucceeded;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The progress view's frame: every bar present, aligned, one width, never wider than the terminal. */
class ProgressBarsViewTest {
  private static PlanStatus plan() {
    PlanStatus.Builder s = PlanStatus.newBuilder();
    String[][] tasks = {{"ui", "frontend"}, {"api", "backend"}, {"db", "backend"}, {"ci", "devops"},
        {"e2e", "testing"}, {"perf", "testing"}, {"load", "testing"}};
    for (String[] t : tasks) {
      s.addTasks(TaskStatus.newBuilder().setId(t[0]).setOrchestrator(t[1]));
    }
    return s.build();
  }

  private static int barStart(String line) {
    return line.indexOf('│');
  }

  private static int barEnd(String line) {
    return line.indexOf('│', barStart(line) + 1);
  }

  @Test
  void everyOrchestratorHasABarFromTheFirstFrameInNameOrderWithOverallLast() {
    try (ProgressBarsView view = view(120)) {
      List<String> frame = view.frame();
      assertThat(frame).extracting(l -> l.substring(0, l.indexOf(' ')))
          .containsExactly("backend", "devops", "frontend", "testing", "overall");
      assertThat(frame).allMatch(l -> l.contains("  0%"));
      assertThat(frame.get(3)).contains("0/3");
      assertThat(frame.get(4)).contains("0/7");
    }
  }

  @Test
  void barsShareOneWidthAndAlignWhateverTheirMessages() {
    try (ProgressBarsView view = view(120)) {
      view.onEvent(PlanEvent.newBuilder().setTaskStarted(TaskStarted.newBuilder().setTaskId("api")).build());
      view.onEvent(PlanEvent.newBuilder().setTaskProgress(TaskProgress.newBuilder().setTaskId("api").setProgress(0.5)).build());
      view.onEvent(PlanEvent.newBuilder().setTaskSucceeded(TaskSucceeded.newBuilder().setTaskId("ui")).build());
      List<String> frame = view.frame();
      assertThat(frame).extracting(ProgressBarsViewTest::barStart).containsOnly(barStart(frame.get(0)));
      assertThat(frame).extracting(ProgressBarsViewTest::barEnd).containsOnly(barEnd(frame.get(0)));
      assertThat(frame).allMatch(l -> l.length() <= 119);
      assertThat(frame.get(0)).contains(" 25%").contains("0/2").endsWith("api");
      assertThat(frame.get(2)).contains("100%").contains("1/1");
      assertThat(frame.get(4)).contains(" 21%").contains("1/7");
    }
  }

  @Test
  void aNarrowTerminalCutsTheMessageThenShrinksTheBarButNeverWraps() {
    AtomicInteger columns = new AtomicInteger(120);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ProgressBarsView view = new ProgressBarsView(plan(), new PrintStream(bytes, true, StandardCharsets.UTF_8),
        new ProgressBarsView.Terminals.Size(columns::get, () -> { }), true)) {
      view.onEvent(PlanEvent.newBuilder().setTaskStarted(TaskStarted.newBuilder().setTaskId("e2e")).build());
      view.onEvent(PlanEvent.newBuilder().setTaskStarted(TaskStarted.newBuilder().setTaskId("perf")).build());
      view.onEvent(PlanEvent.newBuilder().setTaskStarted(TaskStarted.newBuilder().setTaskId("load")).build());
      int wide = barEnd(view.frame().get(0)) - barStart(view.frame().get(0));
      for (int w : new int[] {60, 40, 30, 20, 10}) {
        columns.set(w);
        List<String> frame = view.frame();
        assertThat(frame).as("width %d", w).allMatch(l -> l.length() <= Math.max(20, w) - 1);
        assertThat(frame).as("width %d", w).hasSize(5);
      }
      columns.set(60);
      List<String> narrow = view.frame();
      assertThat(barEnd(narrow.get(0)) - barStart(narrow.get(0))).isLessThan(wide)
          .isGreaterThanOrEqualTo(BarLayout.MIN_BAR + 1);
      assertThat(narrow).extracting(ProgressBarsViewTest::barEnd).containsOnly(barEnd(narrow.get(0)));
    }
  }

  @Test
  void eachRedrawReturnsToTheFrameStartAndClearsBelowAndTheFinalFrameStays() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressBarsView view = new ProgressBarsView(plan(), new PrintStream(bytes, true, StandardCharsets.UTF_8),
        ProgressBarsView.Terminals.Size.fixed(100), false);
    // The first frame comes from the redraw thread at once; the events then make it draw again.
    await().atMost(Duration.ofSeconds(10)).until(() -> bytes.size() > 0);
    for (String t : new String[] {"ui", "api", "db", "ci", "e2e", "perf", "load"}) {
      view.onEvent(PlanEvent.newBuilder().setTaskSucceeded(TaskSucceeded.newBuilder().setTaskId(t)).build());
    }
    view.onEvent(PlanEvent.newBuilder().setPlanFinished(PlanFinished.newBuilder().setState(PlanState.PLAN_STATE_SUCCEEDED)).build());
    await().atMost(Duration.ofSeconds(10)).until(() -> bytes.toString(StandardCharsets.UTF_8).contains("\r\033[5F"));
    view.close();
    String written = bytes.toString(StandardCharsets.UTF_8);
    // Every frame but the first starts by going 5 lines up and clearing to the end of the screen.
    String[] frames = written.split("\r\033\\[5F", -1);
    assertThat(frames.length).isGreaterThanOrEqualTo(2);
    assertThat(frames[0]).startsWith("\033[J").doesNotContain("\033[F");
    String last = frames[frames.length - 1];
    assertThat(last).startsWith("\033[J");
    List<String> lines = last.substring(3).lines().toList();
    assertThat(lines).hasSize(5).allMatch(l -> l.contains("100%"));
    assertThat(lines.get(4)).contains("7/7").endsWith("SUCCEEDED");
    assertThat(lines).allMatch(l -> l.contains("|##########")); // ASCII when the output cannot print blocks
  }

  private static ProgressBarsView view(int columns) {
    return new ProgressBarsView(plan(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        ProgressBarsView.Terminals.Size.fixed(columns), true);
  }
}
