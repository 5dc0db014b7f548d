package dev.baton.runtime.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Test repositories made with the real git: a working repository with N generated files (100 per
 * directory, so 10,000 or 100,000 files stay browsable, for the benchmarks), bare copies of it, and
 * a git that fails the test on a non-zero exit.
 */
public final class TestRepositories {
  public static final Git GIT = new Git().withIdentity("Test", "test@localhost");

  private TestRepositories() {}

  /** Runs git in {@code dir} and returns its stripped output; an AssertionError when it fails. */
  public static String git(Path dir, String... args) {
    try {
      return GIT.run(dir, args).strip();
    } catch (GitException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  /**
   * A repository at {@code dir} on branch main with {@code files} files {@code src/dNNN/fileNNNNNN.txt}
   * of {@code linesPerFile} lines each, in one commit.
   */
  public static Path withFiles(Path dir, int files, int linesPerFile) {
    git(parent(dir), "init", "--quiet", "--initial-branch=main", dir.toString());
    for (int i = 0; i < files; i++) {
      StringBuilder text = new StringBuilder();
      for (int line = 1; line <= linesPerFile; line++) {
        text.append("file ").append(i).append(" line ").append(line).append('\n');
      }
      write(dir, fileName(i), text.toString());
    }
    commitAll(dir, "initial: " + files + " files");
    return dir;
  }

  /** A small repository: {@code files} files of 5 lines. */
  public static Path withFiles(Path dir, int files) {
    return withFiles(dir, files, 5);
  }

  /** The relative path of generated file {@code i}. */
  public static String fileName(int i) {
    return String.format("src/d%03d/file%06d.txt", i / 100, i);
  }

  /** A bare clone of {@code source} at {@code dir}. */
  public static Path bareClone(Path source, Path dir) {
    git(parent(dir), "clone", "--quiet", "--bare", source.toString(), dir.toString());
    return dir;
  }

  /** Adds everything and commits; returns the new commit. */
  public static String commitAll(Path repo, String message) {
    git(repo, "add", "--all");
    git(repo, "commit", "--quiet", "--allow-empty", "-m", message);
    return git(repo, "rev-parse", "HEAD");
  }

  public static void write(Path dir, String relative, String text) {
    try {
      Path file = dir.resolve(relative);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String read(Path dir, String relative) {
    try {
      return Files.readString(dir.resolve(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path parent(Path dir) {
    try {
      Path parent = dir.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      return parent;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A clock tests move by hand. */
  public static final class MutableClock extends Clock {
    private volatile Instant now;

    public MutableClock(Instant start) {
      this.now = start;
    }

    public void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
