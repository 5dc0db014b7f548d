package dev.baton.runtime.fuzz;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * The "quickly" of a fuzz target's contract: runs one input's work on a worker thread and fails
 * with a clear message when it takes longer than {@link #DEADLINE}, so a hang or a super-linear
 * input becomes a finding (with its crash file) instead of a stuck build.
 *
 * <p>Why not JUnit's {@code @Timeout}: in fuzzing mode Jazzer runs the whole campaign inside one
 * test invocation, which such a timeout would cut short. Coverage is global to the JVM, so running
 * the input on another thread costs the fuzzer nothing. Threads: the fuzzing thread submits and
 * waits; one daemon worker runs the input; a worker stuck past the deadline is abandoned (the
 * target has already failed) and a fresh one serves the next input.
 */
public final class FuzzContract {
  /** Generous for inputs of a few KiB even on a loaded 2-core machine with instrumentation. */
  public static final Duration DEADLINE = Duration.ofSeconds(10);

  private static ExecutorService worker = newWorker();

  private FuzzContract() {}

  /**
   * Runs {@code work} within {@link #DEADLINE}; whatever it throws is rethrown unchanged, so a
   * {@code StackOverflowError} or an NPE reaches Jazzer as itself.
   */
  public static synchronized void within(Runnable work) {
    Future<?> result = worker.submit(work);
    try {
      result.get(DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (TimeoutException slow) {
      result.cancel(true);
      worker.shutdownNow();
      worker = newWorker();
      throw new AssertionError("the input took more than " + DEADLINE.toSeconds()
          + " s (expected: a result or the parser's own exception within " + DEADLINE.toSeconds() + " s)");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new AssertionError("unexpected checked exception", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the input", e);
    }
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-input");
      t.setDaemon(true);
      return t;
    });
  }
}
