package dev.baton.runtime.git;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per repository directory, shared by everything in this process that mutates it.
 *
 * <p>Git takes {@code config.lock}, {@code packed-refs.lock} and {@code index.lock} without waiting:
 * two {@code git worktree add} on one repository at once fail with "could not lock config file".
 * Mutations of a repository (fetch, worktree add/remove, ref updates, merges) therefore run under its
 * lock; reads (cat-file, rev-parse, diff) need none, and neither does work inside one worktree.
 */
public final class RepositoryLocks {
  private static final ConcurrentMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  private RepositoryLocks() {}

  /** A step run under a repository's lock. */
  @FunctionalInterface
  public interface Mutation<T> {
    T run() throws GitException;
  }

  /** Runs {@code mutation} holding the lock of {@code repository}; reentrant. */
  public static <T> T mutate(Path repository, Mutation<T> mutation) throws GitException {
    ReentrantLock lock =
        LOCKS.computeIfAbsent(repository.toAbsolutePath().normalize(), p -> new ReentrantLock());
    lock.lock();
    try {
      return mutation.run();
    } finally {
      lock.unlock();
    }
  }
}
