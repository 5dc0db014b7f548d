package dev.baton.master.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JournalSpecTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "postgres://baton:s%40cret@db.example:6543/journal?sslmode=require | jdbc:postgresql://db.example:6543/journal?sslmode=require | baton | s@cret | postgres://baton@db.example:6543/journal",
      "postgresql://u@10.0.0.5/j | jdbc:postgresql://10.0.0.5:5432/j | u | '' | postgres://u@10.0.0.5:5432/j",
      "postgres://[::1]:5433/j | jdbc:postgresql://[::1]:5433/j | '' | '' | postgres://[::1]:5433/j",
      "jdbc:postgresql://h/j?user=u&password=p | jdbc:postgresql://h/j?user=u&password=p | '' | '' | jdbc:postgresql://h/j?user=u&password=***",
  })
  void parsesPostgresUrlsIntoJdbcWithoutShowingThePassword(String spec, String jdbc, String user, String password,
      String display) {
    JournalSpec.Postgres pg = (JournalSpec.Postgres) JournalSpec.parse(spec);
    assertThat(pg.jdbcUrl()).isEqualTo(jdbc);
    assertThat(pg.user()).isEqualTo(user);
    assertThat(pg.password()).isEqualTo(password);
    assertThat(pg.display()).isEqualTo(display);
    assertThat(pg.toString()).doesNotContain("s@cret");
  }

  @Test
  void takesAFilePathForTheEmbeddedJournal() {
    assertThat(JournalSpec.parse(dir.resolve("j.db").toString())).isEqualTo(new JournalSpec.Sqlite(dir.resolve("j.db")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'' | --journal: empty (expected: a file path such as ./baton-journal.db, or postgres://user:password@host:5432/database)",
      "mysql://h/j | --journal mysql...: unsupported kind of journal 'mysql'",
      "jdbc:h2:file:/x | --journal jdbc:h2...: unsupported kind of journal 'jdbc:h2'",
      "postgres://h | --journal postgres://h...: no database name (expected: postgres://user:password@h:5432/DATABASE)",
      "postgres:///j | --journal postgres://...: no host",
      "/nonexistent-dir-baton/j.db | --journal /nonexistent-dir-baton/j.db: directory /nonexistent-dir-baton does not exist (create it, or give a path in an existing directory)",
  })
  void refusesABadSpecNamingTheFix(String spec, String message) {
    assertThatThrownBy(() -> JournalSpec.parse(spec)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
  }

  @Test
  void refusesADirectoryAndSuggestsAFileInIt() {
    assertThatThrownBy(() -> JournalSpec.parse(dir.toString()))
        .hasMessage("--journal " + dir + ": is a directory (expected: a file, e.g. " + dir.resolve("baton-journal.db") + ")");
  }

  @Test
  void retentionAgesAndBoundsAreValidatedWithTheExpectedForm() {
    assertThat(RetentionPolicy.parseAge("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(RetentionPolicy.parseAge("1d12h30m")).isEqualTo(Duration.ofMinutes(36 * 60 + 30));
    assertThatThrownBy(() -> RetentionPolicy.parseAge("0d")).hasMessageContaining("'0d' is zero");
    assertThatThrownBy(() -> RetentionPolicy.parseAge("40000d")).hasMessageContaining("too long");
    assertThatThrownBy(() -> new RetentionPolicy(java.util.Optional.empty(), java.util.OptionalInt.of(-1)))
        .hasMessage("keep: -1 (expected: 0..100000000 finished plans)");
    assertThatThrownBy(() -> JournalSettings.builder().snapshotEvery(5).build())
        .hasMessage("snapshotEvery: 5 (expected: 0 to turn snapshots off, or 10..1000000 events)");
  }
}
