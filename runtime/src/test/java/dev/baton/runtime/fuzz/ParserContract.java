package dev.baton.runtime.fuzz;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The contract every fuzz target asserts of a parser of untrusted input: it returns a result, or
 * throws its own documented exception with a message a person can act on, and does either quickly.
 *
 * <p>Anything else escapes to Jazzer and is a finding: another exception type (a
 * NullPointerException, ClassCastException, IndexOutOfBoundsException, NumberFormatException from a
 * library underneath), an {@code Error} (StackOverflowError, OutOfMemoryError), a blank or
 * multi-line message, or an input that takes longer than {@link #slowInput()} (twice, see
 * {@link #quickly}). The time check
 * catches super-linear parsing on the small inputs a fuzzer makes (a few KiB); it is generous
 * (2 s by default, {@code -Dbaton.fuzz.slowInputMillis} to change) so a cold JIT or a busy
 * machine is not taken for a finding.
 */
public final class ParserContract {
  /**
   * How long each target fuzzes in the build's short run ({@code @FuzzTest(maxDuration = SHORT_RUN)});
   * {@code scripts/fuzz.sh} overrides it for a longer run.
   */
  public static final String SHORT_RUN = "5s";

  private static final Duration SLOW_INPUT =
      Duration.ofMillis(Long.getLong("baton.fuzz.slowInputMillis", 2_000));

  private ParserContract() {}

  /** The budget of one input, past which the input is a finding. */
  public static Duration slowInput() {
    return SLOW_INPUT;
  }

  /**
   * Runs {@code parse}; an exception of type {@code documented} is the parser refusing the input
   * (its message must be one non-blank line), anything else propagates. Timed as {@link #quickly}.
   *
   * @return the result, or null when the parser refused the input
   */
  public static <T> T returnsOrRefuses(
      Class<? extends RuntimeException> documented, Supplier<T> parse) {
    Object[] result = new Object[1];
    quickly(() -> result[0] = refusedAsNull(documented, parse));
    @SuppressWarnings("unchecked")
    T t = (T) result[0];
    return t;
  }

  /**
   * Runs {@code work}, and fails when it takes longer than {@link #slowInput()} twice in a row. The
   * second run is there because the first input of a JVM pays for class loading and Jazzer's
   * instrumentation of every class it touches (seconds for Jackson and SnakeYAML); {@code work}
   * must therefore be repeatable (fresh parsers, no outside effects).
   */
  public static void quickly(Runnable work) {
    long tookMillis = timeMillis(work);
    if (tookMillis > SLOW_INPUT.toMillis()) {
      tookMillis = timeMillis(work);
      if (tookMillis > SLOW_INPUT.toMillis()) {
        throw new SlowInputFinding(tookMillis);
      }
    }
  }

  private static long timeMillis(Runnable work) {
    long start = System.nanoTime();
    work.run();
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static <T> T refusedAsNull(Class<? extends RuntimeException> documented, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (RuntimeException e) {
      if (!documented.isInstance(e)) {
        throw e;
      }
      checkMessage(e);
      return null;
    }
  }

  private static void checkMessage(RuntimeException e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      throw new AssertionError("refused without a message (expected: the place, the problem and the fix)", e);
    }
    if (message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0) {
      throw new AssertionError("refused with a message of several lines (expected: one line): " + message, e);
    }
  }

  /** The fuzzer's bytes as text, the way a file or a gRPC string field would arrive (malformed UTF-8 replaced). */
  public static String text(byte[] data) {
    return new String(data, StandardCharsets.UTF_8);
  }

  /** An input that took too long: super-linear parsing, or an unbounded loop that happened to end. */
  public static final class SlowInputFinding extends AssertionError {
    private static final long serialVersionUID = 1L;

    SlowInputFinding(long tookMillis) {
      super("one input took " + tookMillis + " ms (expected: at most " + SLOW_INPUT.toMillis()
          + " ms; parsing must stay linear in the input)");
    }
  }
}
