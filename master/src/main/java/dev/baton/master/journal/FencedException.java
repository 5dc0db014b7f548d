package dev.baton.master.journal;

/**
 * An append refused because another master claimed a newer epoch: this master must stop writing
 * and step down. Nothing of the refused batch was written.
 */
public final class FencedException extends JournalException {
  private final long epoch;
  private final Journal.Epoch current;

  public FencedException(long epoch, Journal.Epoch current) {
    super("fenced: this master appends under epoch " + epoch + " but the journal is at " + current
        + "; another master took over: step down (resign) and follow");
    this.epoch = epoch;
    this.current = current;
  }

  /** The epoch the refused append was made under. */
  public long epoch() {
    return epoch;
  }

  /** The journal's epoch, newer than {@link #epoch()}, and its holder. */
  public Journal.Epoch current() {
    return current;
  }
}
