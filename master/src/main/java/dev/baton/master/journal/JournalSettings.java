package dev.baton.master.journal;

import java.time.Duration;

/**
 * How a {@link JournalPlanStore} and its journal behave. Immutable; built with {@link #builder()}
 * from named defaults and validated there.
 *
 * @param snapshotEvery a plan's status is snapshotted every this many of its events (default
 *     1,000; 0 turns snapshots off, then recovery replays whole plans); 0 or 10..1,000,000
 * @param maxBatch most events (and outbox actions) one group commit takes (default 10,000); 1..1,000,000
 * @param maxQueued appends wait for the writer past this many uncommitted events (default 200,000);
 *     at least maxBatch
 * @param followPoll how often a standby reads the journal's new records (default 150 ms); 10 ms..10 s
 * @param pageSize records read per query when replaying or following (default 2,000); 10..100,000
 * @param poolSize PostgreSQL connections the journal keeps (default 4: writer, follower, readers); 2..32
 * @param connectTimeout how long opening a PostgreSQL connection may take (default 10 s); 1 s..5 min
 */
public record JournalSettings(int snapshotEvery, int maxBatch, int maxQueued, Duration followPoll, int pageSize,
    int poolSize, Duration connectTimeout) {

  public static final int DEFAULT_SNAPSHOT_EVERY = 1_000;
  public static final int DEFAULT_MAX_BATCH = 10_000;
  public static final int DEFAULT_MAX_QUEUED = 200_000;
  public static final Duration DEFAULT_FOLLOW_POLL = Duration.ofMillis(150);
  public static final int DEFAULT_PAGE_SIZE = 2_000;
  public static final int DEFAULT_POOL_SIZE = 4;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  public JournalSettings {
    if (snapshotEvery != 0 && (snapshotEvery < 10 || snapshotEvery > 1_000_000)) {
      throw new IllegalArgumentException("snapshotEvery: " + snapshotEvery + " (expected: 0 to turn snapshots off, or 10..1000000 events)");
    }
    if (maxBatch < 1 || maxBatch > 1_000_000) {
      throw new IllegalArgumentException("maxBatch: " + maxBatch + " (expected: 1..1000000 events per commit)");
    }
    if (maxQueued < maxBatch || maxQueued > 10_000_000) {
      throw new IllegalArgumentException("maxQueued: " + maxQueued + " (expected: maxBatch (" + maxBatch + ")..10000000)");
    }
    within("followPoll", followPoll, Duration.ofMillis(10), Duration.ofSeconds(10));
    if (pageSize < 10 || pageSize > 100_000) {
      throw new IllegalArgumentException("pageSize: " + pageSize + " (expected: 10..100000 records)");
    }
    if (poolSize < 2 || poolSize > 32) {
      throw new IllegalArgumentException("poolSize: " + poolSize + " (expected: 2..32 connections)");
    }
    within("connectTimeout", connectTimeout, Duration.ofSeconds(1), Duration.ofMinutes(5));
  }

  private static void within(String name, Duration d, Duration min, Duration max) {
    if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: " + min + ".." + max + ")");
    }
  }

  public static JournalSettings defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().snapshotEvery(snapshotEvery).maxBatch(maxBatch).maxQueued(maxQueued).followPoll(followPoll)
        .pageSize(pageSize).poolSize(poolSize).connectTimeout(connectTimeout);
  }

  /** Builds {@link JournalSettings}; every field starts at its default. */
  public static final class Builder {
    private int snapshotEvery = DEFAULT_SNAPSHOT_EVERY;
    private int maxBatch = DEFAULT_MAX_BATCH;
    private int maxQueued = DEFAULT_MAX_QUEUED;
    private Duration followPoll = DEFAULT_FOLLOW_POLL;
    private int pageSize = DEFAULT_PAGE_SIZE;
    private int poolSize = DEFAULT_POOL_SIZE;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

    public Builder snapshotEvery(int events) {
      this.snapshotEvery = events;
      return this;
    }

    public Builder maxBatch(int events) {
      this.maxBatch = events;
      return this;
    }

    public Builder maxQueued(int events) {
      this.maxQueued = events;
      return this;
    }

    public Builder followPoll(Duration every) {
      this.followPoll = every;
      return this;
    }

    public Builder pageSize(int records) {
      this.pageSize = records;
      return this;
    }

    public Builder poolSize(int connections) {
      this.poolSize = connections;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    public JournalSettings build() {
      return new JournalSettings(snapshotEvery, maxBatch, maxQueued, followPoll, pageSize, poolSize, connectTimeout);
    }
  }
}
