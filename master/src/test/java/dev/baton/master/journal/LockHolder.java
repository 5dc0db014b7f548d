package dev.baton.master.journal;

import java.io.IOException;
import java.time.Clock;

/** A second process for the lock test: opens the embedded journal, says LOCKED, holds it until its stdin closes. */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws IOException {
    try (Journal journal = Journals.open(args[0], JournalSettings.defaults(), Clock.systemUTC(), false)) {
      System.out.println("LOCKED " + ProcessHandle.current().pid());
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold the lock until the test closes our stdin
      }
    }
  }
}
