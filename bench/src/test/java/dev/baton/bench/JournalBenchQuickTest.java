package dev.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The journal bench's harness, small: every row is printed and checked (the bench throws on a short journal). */
class JournalBenchQuickTest {
  @Test
  void printsEveryFigureOfTheEmbeddedJournal() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JournalBench.run(true, null, List.of(2_000), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String report = bytes.toString(StandardCharsets.UTF_8);
    assertThat(report.lines().filter(l -> l.startsWith("| SQLite (embedded) | group commit"))).hasSize(1);
    assertThat(report.lines().filter(l -> l.startsWith("| SQLite (embedded) | batches of 1"))).hasSize(1);
    assertThat(report.lines().filter(l -> l.startsWith("| H2 2.x MVStore"))).hasSize(2);
    assertThat(report.lines().filter(l -> l.startsWith("| SQLite (embedded) | 2,000 |"))).hasSize(2);
  }
}
