package dev.baton.master.journal;

/**
 * A record in the middle of a plan's history fails its checksum or does not parse: the plan
 * cannot be loaded without losing what followed it, so it is refused rather than skipped.
 */
public final class CorruptRecordException extends JournalException {
  private final String planId;
  private final long sequence;

  public CorruptRecordException(String planId, long sequence, String why) {
    super("journal record " + planId + "#" + sequence + " is corrupt (" + why + "); the plan cannot be loaded:"
        + " run `baton journal verify` and restore the journal from a backup");
    this.planId = planId;
    this.sequence = sequence;
  }

  public String planId() {
    return planId;
  }

  public long sequence() {
    return sequence;
  }
}
