package dev.baton.runtime.containment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/** Finds live processes on this machine by a marker in their command line, through /proc. */
public final class Procs {
  private Procs() {}

  /**
   * A unique {@code sleep} duration of about {@code seconds}: a marker argument that survives
   * {@code exec} and is found in {@code /proc/PID/cmdline}, e.g. {@code 305.0123456789}.
   */
  public static String sleepMarker(int seconds) {
    long digits = Math.abs(UUID.randomUUID().getLeastSignificantBits() % 10_000_000_000L);
    return seconds + "." + String.format("%010d", digits);
  }

  /** The pids of live (not zombie) processes whose argv contains {@code marker} as one argument. */
  public static List<Long> withArgument(String marker) {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path dir : entries.toList()) {
        String name = dir.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          byte[] cmdline = Files.readAllBytes(dir.resolve("cmdline"));
          for (String arg : new String(cmdline, StandardCharsets.UTF_8).split("\0")) {
            if (arg.equals(marker)) {
              pids.add(Long.parseLong(name));
              break;
            }
          }
        } catch (IOException e) {
          // Exited while we looked.
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return pids;
  }
}
