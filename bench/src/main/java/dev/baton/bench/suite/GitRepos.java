package dev.baton.bench.suite;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Generated git repositories for the git figures, made with plain git: one {@code git fast-import}
 * stream writes every file of the first commit straight into a bare repository's pack (no work
 * tree, no index), which takes seconds for 100,000 files where {@code git add} would take minutes.
 */
final class GitRepos {
  static final String BRANCH = "main";
  private static final String WHO = "Bench <bench@localhost> 1700000000 +0000";

  private GitRepos() {}

  /** Path of file {@code i}: 1,000 files per directory, {@code src/d007/f7042.txt}. */
  static String file(int i) {
    return String.format("src/d%03d/f%d.txt", i / 1000, i);
  }

  /** A bare repository at {@code dir} whose {@code main} has {@code files} small files of a few lines. */
  static Path bare(Path dir, int files) throws IOException {
    return bare(dir, files, 0);
  }

  /**
   * As {@link #bare(Path, int)}, then {@code history} more commits on {@code main}, each rewriting 1 %
   * of the files (at least one, chosen by a seeded random) with 2 KiB of random hex: a history whose
   * packed size grows like a real project's, which plain small files of one commit do not have.
   */
  static Path bare(Path dir, int files, int history) throws IOException {
    git(dir.getParent(), "init", "--quiet", "--bare", "-b", BRANCH, dir.toString());
    try (OutputStream out = fastImport(dir)) {
      write(out, "commit refs/heads/" + BRANCH + "\ncommitter " + WHO + "\n" + data("Generated: " + files + " files\n"));
      for (int i = 0; i < files; i++) {
        write(out, "M 100644 inline " + file(i) + "\n" + data(content(i, 0)));
      }
      write(out, "\n");
      java.util.Random random = new java.util.Random(files);
      int perCommit = Math.max(1, files / 100);
      char[] text = new char[2048];
      for (int c = 1; c <= history; c++) {
        write(out, "commit refs/heads/" + BRANCH + "\ncommitter " + WHO + "\n" + data("Edit " + c + "\n"));
        for (int k = 0; k < perCommit; k++) {
          for (int j = 0; j < text.length; j++) {
            text[j] = j % 64 == 63 ? '\n' : Character.forDigit(random.nextInt(16), 16);
          }
          write(out, "M 100644 inline " + file(random.nextInt(files)) + "\n" + data(new String(text)));
        }
        write(out, "\n");
      }
    }
    return dir;
  }

  /**
   * Branches {@code task-1..task-n} from {@code main}, each one commit that edits {@code touched}
   * files of its own (so no two conflict); returns the branches' commits.
   */
  static List<String> taskCommits(Path bare, int files, int n, int touched) throws IOException {
    try (OutputStream out = fastImport(bare)) {
      for (int t = 1; t <= n; t++) {
        write(out, "commit refs/heads/task-" + t + "\ncommitter " + WHO + "\n" + data("Task " + t + "\n")
            + "from refs/heads/" + BRANCH + "^0\n");
        for (int k = 0; k < touched; k++) {
          int i = Math.floorMod((t * touched + k) * 7919, files);
          write(out, "M 100644 inline " + file(i) + "\n" + data(content(i, t)));
        }
        write(out, "\n");
      }
    }
    List<String> commits = new ArrayList<>();
    for (int t = 1; t <= n; t++) {
      commits.add(git(bare, "rev-parse", "refs/heads/task-" + t).strip());
    }
    return commits;
  }

  private static String content(int i, int version) {
    return "# file " + i + "\nvalue = " + (i * 31L + version) + "\nversion = " + version + "\n";
  }

  private static String data(String s) {
    return "data " + s.getBytes(StandardCharsets.UTF_8).length + "\n" + s;
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A {@code git fast-import} into {@code bare}; closing the stream waits for it and checks its exit. */
  private static OutputStream fastImport(Path bare) throws IOException {
    Process p = new ProcessBuilder("git", "fast-import", "--quiet").directory(bare.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return new BufferedOutputStream(p.getOutputStream(), 1 << 16) {
      @Override
      public void close() throws IOException {
        super.close();
        try {
          if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("git fast-import into " + bare + " failed");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
    };
  }

  /** Runs git in {@code dir}; returns stdout, throws with stderr when it exits non-zero. */
  static String git(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    return run(dir, cmd);
  }

  static String run(Path dir, List<String> cmd) throws IOException {
    Path err = Files.createTempFile("bench-cmd", ".err");
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", cmd) + " in " + dir + " exited " + p.exitValue() + ": "
            + Files.readString(err).strip());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /** Bytes on disk of a directory tree: {allocated, apparent}, from {@code du}. */
  static long[] du(Path dir) throws IOException {
    long allocated = Long.parseLong(run(dir.getParent(), List.of("du", "-s", "-B1", dir.toString())).split("\\s")[0]);
    long apparent = Long.parseLong(run(dir.getParent(),
        List.of("du", "-s", "-B1", "--apparent-size", dir.toString())).split("\\s")[0]);
    return new long[] {allocated, apparent};
  }

  static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }
}
