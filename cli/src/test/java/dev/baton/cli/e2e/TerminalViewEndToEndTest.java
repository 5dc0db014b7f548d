package dev.baton.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.cli.mesh.JavaCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton demo} in a real terminal: a detached tmux session of a given size runs the
 * e-commerce plan, and the screen is read with {@code capture-pane} (history included) as often as
 * the machine allows while it runs (wrapped lines joined, so a wrapped bar shows as too long). On every capture the bars form one block, one line per
 * orchestrator in name order then "overall", nothing that looks like a bar anywhere else (no line
 * left from an earlier frame), every bar the same width and aligned, no line wider than the
 * terminal; at the end one final frame at 100 % above the summary.
 */
class TerminalViewEndToEndTest {
  private static final List<String> LABELS = List.of("backend", "devops", "frontend", "testing", "overall");
  private static final Pattern BAR = Pattern.compile("^([a-z]+) +[│|].*[│|] +\\d+%.*");

  @TempDir Path dir;
  private final String socket = "baton-view-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

  @AfterEach
  void killServer() throws Exception {
    tmux("kill-server");
  }

  @Test
  void barsRedrawInPlaceIn120By40WithBlockCharacters() throws Exception {
    watch(120, 40, "C.UTF-8", "0.001", '│');
  }

  @Test
  void aNarrow60By20TerminalKeepsOneAlignedFrameInAscii() throws Exception {
    watch(60, 20, "C", "0.001", '|');
  }

  private void watch(int width, int height, String lang, String timeScale, char edge) throws Exception {
    List<String> demo = JavaCommand.current().baton(List.of("demo", "--time-scale", timeScale,
        "--run-dir", dir.resolve("run").toString()));
    String command = "env -u BATON_NO_BARS LANG=" + lang + " LC_ALL=" + lang + " "
        + demo.stream().map(TerminalViewEndToEndTest::quote).collect(Collectors.joining(" "))
        + "; echo BATON-EXIT=$?; read x";
    tmux("-f", "/dev/null", "new-session", "-d", "-s", "demo", "-x", String.valueOf(width), "-y",
        String.valueOf(height), command);

    List<String> complete = new ArrayList<>();
    String[] last = new String[1];
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(40)).until(() -> {
      String screen = tmux("capture-pane", "-p", "-J", "-t", "demo", "-S", "-", "-E", "-");
      last[0] = screen;
      boolean exited = screen.contains("BATON-EXIT=");
      List<String> block = checkFrame(screen, width, edge);
      if (!exited && block.size() == LABELS.size()) {
        complete.add(String.join("\n", block));
      }
      return exited;
    });
    String screen = last[0];
    assertThat(screen).as(screen).contains("BATON-EXIT=0");
    assertThat(complete).as("whole frames seen while the plan ran").hasSizeGreaterThanOrEqualTo(3);
    assertThat(complete).as("a frame mid-run (testing present, overall below 100 %%)")
        .anyMatch(f -> !f.lines().reduce((a, b) -> b).orElseThrow().contains("100%"));
    List<String> lines = screen.lines().toList();
    List<String> block = checkFrame(screen, width, edge);
    assertThat(block).as(screen).hasSize(LABELS.size()).allMatch(l -> l.contains("100%"));
    assertThat(block.get(LABELS.size() - 1)).contains("19/19");
    int after = lines.indexOf(block.get(LABELS.size() - 1));
    assertThat(lines.subList(after + 1, lines.size())).as("the summary follows the final frame")
        .anyMatch(l -> l.startsWith("Plan ") && l.contains("SUCCEEDED"));
    Files.writeString(Path.of("target", "terminal-view-" + width + "x" + height + ".txt"), screen,
        StandardCharsets.UTF_8);
  }

  /** The bar lines of a capture, checked; empty before the first frame. */
  private static List<String> checkFrame(String screen, int width, char edge) {
    List<String> lines = screen.lines().toList();
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (BAR.matcher(lines.get(i)).matches()) {
        at.add(i);
      }
    }
    if (at.isEmpty()) {
      return List.of();
    }
    List<String> block = lines.subList(at.get(0), at.get(at.size() - 1) + 1);
    assertThat(at.get(at.size() - 1) - at.get(0) + 1).as("one block of bars, nothing between or elsewhere:\n%s", screen)
        .isEqualTo(at.size());
    List<String> labels = block.stream().map(l -> label(l)).toList();
    assertThat(LABELS.subList(0, labels.size())).as("bars in order, none missing or repeated:\n%s", screen)
        .isEqualTo(labels);
    int open = block.get(0).indexOf(edge);
    int close = block.get(0).indexOf(edge, open + 1);
    for (String l : block) {
      assertThat(l.indexOf(edge)).as("aligned bars:\n%s", screen).isEqualTo(open);
      assertThat(l.indexOf(edge, open + 1)).as("bars of one width:\n%s", screen).isEqualTo(close);
      assertThat(l.length()).as("no line wider than the terminal:\n%s", screen).isLessThan(width);
    }
    return block;
  }

  private static String label(String line) {
    Matcher m = BAR.matcher(line);
    return m.matches() ? m.group(1) : "";
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private String tmux(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("tmux " + String.join(" ", args) + " did not finish");
    }
    if (p.exitValue() != 0 && !args[0].equals("kill-server")) {
      throw new IllegalStateException("tmux " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }
}
