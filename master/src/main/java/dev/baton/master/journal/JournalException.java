package dev.baton.master.journal;

/** The journal could not do what was asked (I/O, the database, a bad spec): the message says what and how to fix it. */
public class JournalException extends RuntimeException {
  public JournalException(String message) {
    super(message);
  }

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
